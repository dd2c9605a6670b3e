"""A form's submission (a Discord modal: a new secret, or a reply) kept while the core works on it.

A form is answered once, by the interaction it came with: a process that stops after acknowledging it and
before answering it would lose what the member wrote, as the platform never sends a submission again. So
before the interaction is deferred, its text is kept with its waiting answer in the outbox
(``PendingAnswer.form``), sealed for that entry with who wrote it (the sealed address the member is
answered at, as a return address is: raw ids are never stored in the clear, and the entry is removed once the
member is answered). The process that delivers the entry writes the form again as its member, which makes the
draft, and answers with its preview.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from bot.actor import Actor
from bot.anonymity import Sealer


@dataclass(frozen=True)
class KeptForm:
    """What ``actor`` wrote (``text``) in a form opened for the deep link ``link`` (its payload; "" for a new
    secret's form)."""

    actor: Actor
    link: str
    text: str

    def sealed(self, sealer: Sealer, tag: str) -> str:
        """Sealed (base64) for the waiting answer it is kept with (``PendingAnswer.tag``): it opens for that
        one only."""
        value = json.dumps(
            {
                "user": self.actor.user_id,
                "dm": self.actor.dm_ref,
                "locale": self.actor.locale_hint,
                "link": self.link,
                "text": self.text,
            }
        )
        return base64.b64encode(sealer.seal(value, form_context(self.actor.platform, tag))).decode()


def opened(sealer: Sealer, platform: str, tag: str, sealed: str) -> KeptForm | None:
    """The form kept with the waiting answer ``tag``, or None if it does not open (another's, or altered)."""
    try:
        value = sealer.open(base64.b64decode(sealed, validate=True), form_context(platform, tag))
        fields = json.loads(value) if value is not None else None
    except (binascii.Error, ValueError):
        return None
    if not isinstance(fields, dict):
        return None
    user, dm, locale, link, text = (fields.get(name) for name in ("user", "dm", "locale", "link", "text"))
    if not all(isinstance(value, str) for value in (user, dm, link, text)):
        return None
    if locale is not None and not isinstance(locale, str):
        return None
    return KeptForm(Actor(platform, str(user), str(dm), locale), str(link), str(text))


def form_context(platform: str, tag: str) -> str:
    """The associated data of a kept form: the waiting answer it is kept with."""
    return f"{platform}:form:{tag}"
