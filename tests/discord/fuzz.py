"""Seeded junk for the Discord adapter: what members (and broken clients or a broken gateway) may send.

``fuzz(d, rng, count)`` sends ``count`` events through the emulator to the real discord.py client: DMs of odd
Unicode and every length, commands typed in DM with junk, files, edits, slash commands in the server and in
DM, the forms they open submitted with junk, real and forged button presses and menu choices, forged form
submissions, interactions from a server or channel the bot doesn't know, message commands on any message,
and dispatches discord.py can't parse. Used by the suite (a few hundred) and by
``benchmarks/fuzz_bench.py --platform discord`` (ten thousand).

Every interaction's first answer is awaited (a member waits for it): one that gets none within Discord's
deadline is counted in ``Outcome.unanswered``.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.discord.harness import GENERAL, GUILD, MODS, TEXT_ID, USERS, Discord, uid
from tests.emulators.discord import (
    APPLICATION_COMMAND,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    EmulatorError,
    Message,
    PendingInteraction,
)
from tests.telegram.fuzz import junk

NAMES = [name for name in USERS if name != "mod"]
ELSEWHERE = 910000000000000002  # a server the bot is in whose channel is no community
ELSEWHERE_CHANNEL = 910000000000000021
MEMBER_COMMANDS = ["secret", "latest", "top", "topics", "mine", "language", "privacy", "export", "help"]
TYPED = ["start", "secret", "mine", "latest", "top", "topics", "language", "privacy", "help", "nope", ""]
ADMIN = ["settings", "audit", "remove", "ban", "unban", "bans", "words", "stats", "setup"]
LINK_WORDS = ["reply", "report", "secret", "write", "x", "form", "r"]
MAX_FORM = 1500  # the form's text input takes at most this many characters (adapters.discord.client)
ANSWER_WITHIN = 5.0  # Discord's deadline is 3 s; a little slack for a loaded machine


@dataclass
class Outcome:
    interactions: int = 0
    unanswered: list[str] = field(default_factory=list)  # what each unanswered interaction was
    raw: int = 0  # dispatches discord.py can't parse
    sent: int = 0  # events sent in all
    in_a_row: int = 0  # interactions unanswered since the last one answered
    texts: list[str] = field(default_factory=list)  # distinctive texts sent, to grep the logs for


def _text(rng: random.Random, longest: int = 2000) -> str:
    kind = rng.random()
    if kind < 0.1:
        text = (junk(rng) + " ") * 200  # long: past the form's and the secret's limits
    elif kind < 0.2:
        text = "I need to tell someone: " + junk(rng)
    else:
        text = junk(rng)
    text = text[:longest]
    return text if text.strip() else "x"


def _custom_id(rng: random.Random, real: list[str]) -> str:
    pick = rng.random()
    if real and pick < 0.4:
        data = rng.choice(real)
        cut = rng.randint(0, len(data))
        value = data[:cut] + junk(rng, 10)
    elif pick < 0.55:
        value = f"link:{rng.choice(LINK_WORDS)}_{junk(rng, 12)}"
    elif pick < 0.7:
        value = f"2:{junk(rng, 8)}:{rng.randint(-5, 2**40)}"
    elif pick < 0.8:
        value = f"pick:{rng.choice([0, 1, 99, 2**40, -1])}"
    else:
        value = junk(rng, 100)
    return value[:100] or "x"


def _form_id(rng: random.Random, real: list[str]) -> str:
    pick = rng.random()
    if pick < 0.3:
        return "form:secret"
    if pick < 0.6 and real:
        links = [c.removeprefix("link:") for c in real if c.startswith("link:")]
        if links:
            link = rng.choice(links)
            return f"form:{link}" if rng.random() < 0.5 else f"form:{link[: rng.randint(0, len(link))]}x"
    if pick < 0.8:
        return f"form:{rng.choice(LINK_WORDS)}_{junk(rng, 20)}"[:100]
    return _custom_id(rng, real)


def _form_components(rng: random.Random) -> list[Any]:
    pick = rng.random()
    text = _text(rng, MAX_FORM)
    if pick < 0.5:
        return [{"type": 1, "components": [{"type": 4, "custom_id": TEXT_ID, "value": text}]}]
    if pick < 0.6:
        return [{"type": 18, "component": {"type": 4, "custom_id": TEXT_ID, "value": text}}]
    if pick < 0.7:
        return []
    if pick < 0.8:
        return [{"type": 1, "components": [{"type": 4, "custom_id": junk(rng, 20), "value": text}]}]
    if pick < 0.9:
        return [{"type": 1, "components": [{"type": 4, "custom_id": TEXT_ID, "value": rng.randint(0, 9)}]}]
    return [{"type": 1, "components": [{"type": 3, "custom_id": TEXT_ID, "values": [text[:100]]}]}]


# Dispatches discord.py indexes without checking: each raises inside its parser.
def _unparsable(rng: random.Random, user_id: int, channel_id: int) -> tuple[str, dict[str, Any]]:
    author = {"id": str(user_id), "username": "fuzz", "discriminator": "0", "avatar": None}
    return rng.choice(
        [
            ("MESSAGE_CREATE", {"id": str(rng.randint(1, 2**60)), "channel_id": str(channel_id)}),
            ("MESSAGE_CREATE", {"id": "not a number", "channel_id": str(channel_id), "author": author}),
            ("INTERACTION_CREATE", {"id": str(rng.randint(1, 2**60)), "type": 3}),
            ("INTERACTION_CREATE", {"id": str(rng.randint(1, 2**60)), "type": 5, "data": {}}),
            ("GUILD_CREATE", {"id": str(GUILD), "channels": "none"}),
            ("MESSAGE_UPDATE", {"channel_id": str(channel_id)}),
            ("CHANNEL_CREATE", {"id": str(rng.randint(1, 2**60)), "type": "text"}),
            ("MESSAGE_DELETE", {"id": str(rng.randint(1, 2**60))}),
            ("GUILD_MEMBER_UPDATE", {"guild_id": str(GUILD), "user": author, "roles": None}),
            ("NO_SUCH_EVENT", {"x": [1, 2, 3]}),
        ]
    )


def _alteration(rng: random.Random) -> Callable[[dict[str, Any]], None]:
    """An interaction from somewhere the bot doesn't know, or with a field of an odd value."""
    unknown = str(rng.randint(10**17, 10**18))

    def guild(payload: dict[str, Any]) -> None:
        if "guild_id" in payload:
            payload["guild_id"] = unknown
            payload["guild"] = {"id": unknown, "locale": "en-US", "features": []}

    def channel(payload: dict[str, Any]) -> None:
        payload["channel_id"] = unknown
        payload["channel"] = dict(payload["channel"], id=unknown)

    def locale(payload: dict[str, Any]) -> None:
        payload["locale"] = rng.choice(["xx-XX", "", "fr", "🏳️"])

    return rng.choice([guild, channel, locale])


class Fuzzer:
    def __init__(self, d: Discord, rng: random.Random) -> None:
        self.d = d
        self.dc = d.dc
        self.rng = rng
        self.outcome = Outcome()
        self._dms: dict[int, list[Message]] = {}

    async def answered(self, what: str, pending: PendingInteraction) -> dict[str, Any] | None:
        self.outcome.interactions += 1
        try:
            answer = await pending.response(within=ANSWER_WITHIN)
        except TimeoutError:
            self.outcome.unanswered.append(what)
            self.outcome.in_a_row += 1
            return None
        self.outcome.in_a_row = 0
        return answer

    def _pressable(self, who: int) -> list[Message]:
        channels = [GENERAL, MODS]
        dm = self.dc.dm_channel_id(who)
        if dm is not None:
            channels.append(dm)
        found = []
        for channel in channels:
            mine = [
                m
                for m in self.dc.messages(channel)
                if m.components and (m.visible_to is None or m.visible_to == who)
            ]
            found += mine[-4:]
        return found

    async def _open_form(self, name: str, opened: PendingInteraction, first: dict[str, Any] | None) -> None:
        """A form the bot opened: submitted with junk, or left open (the member walked away)."""
        if first is None or first.get("type") != 9 or self.rng.random() < 0.2:
            return
        text = _text(self.rng, MAX_FORM)
        self.outcome.texts.append(text)
        with contextlib.suppress(EmulatorError):
            submitted = await self.dc.user_submits_modal(uid(name), opened, {TEXT_ID: text})
            await self.answered("a form submitted", submitted)

    async def dm(self, name: str) -> None:
        who, rng = uid(name), self.rng
        pick = rng.random()
        if pick < 0.55:
            text = _text(rng)
        elif pick < 0.8:
            text = f"/{rng.choice(TYPED)} {junk(rng, 30)}"
        elif pick < 0.9:
            files = [
                (
                    rng.choice(["a.png", "b.jpg", "c.txt", "d", "é.gif"]),
                    rng.randbytes(rng.randint(1, 300)),
                    rng.choice(["image/png", "text/plain", "application/octet-stream", "image/jpeg"]),
                )
            ]
            await self.dc.user_sends_dm(who, rng.choice(["", junk(rng, 40)]), files)
            return
        else:
            sent = self._dms.get(who)
            if sent:
                await self.dc.user_edits_dm(rng.choice(sent), _text(rng))
                return
            text = _text(rng)
        self.outcome.texts.append(text)
        message = await self.dc.user_sends_dm(who, text)
        self._dms.setdefault(who, []).append(message)
        del self._dms[who][:-5]

    async def command(self, name: str) -> None:
        who, rng = uid(name), self.rng
        command = rng.choice(MEMBER_COMMANDS)
        channel = None if rng.random() < 0.3 else rng.choice([GENERAL, GENERAL, ELSEWHERE_CHANNEL])
        guild = None if channel is None else ELSEWHERE if channel == ELSEWHERE_CHANNEL else GUILD
        opened = await self.dc.user_runs_command(who, guild, channel, command)
        first = await self.answered(f"/{command}", opened)
        await self._open_form(name, opened, first)

    async def admin(self) -> None:
        rng = self.rng
        sub = rng.choice(ADMIN)
        options: dict[str, Any] = {}
        if sub in ("remove", "ban"):
            options["number"] = junk(rng, 20)
            if sub == "ban" and rng.random() < 0.5:
                options["duration"] = junk(rng, 10)
        elif sub == "unban":
            options["ban"] = junk(rng, 20)
        elif sub == "audit" and rng.random() < 0.5:
            options["page"] = junk(rng, 10)
        elif sub == "setup":
            options["moderators"] = rng.choice([GENERAL, MODS, ELSEWHERE_CHANNEL])
        elif sub == "words":
            options["action"] = rng.choice(["add", "remove", "list", junk(rng, 8)])
            if rng.random() < 0.6:
                options["term"] = junk(rng, 30)
        channel = rng.choice([GENERAL, MODS, ELSEWHERE_CHANNEL])
        guild = ELSEWHERE if channel == ELSEWHERE_CHANNEL else GUILD
        if (
            sub == "setup"
            and options["moderators"] != channel
            and ((options["moderators"] == ELSEWHERE_CHANNEL) != (guild == ELSEWHERE))
        ):
            options["moderators"] = channel  # Discord offers only the server's own channels
        pending = await self.dc.user_runs_command(
            uid("mod"), guild, channel, "murmure", options=options, subcommand=sub
        )
        await self.answered(f"/murmure {sub}", pending)

    async def press(self, name: str) -> None:
        who, rng = uid(name), self.rng
        messages = self._pressable(who)
        if not messages:
            await self.dm(name)
            return
        message = rng.choice(messages)
        components = [c for c in message.walk_components() if "custom_id" in c and not c.get("disabled")]
        real = [str(c["custom_id"]) for c in components]
        if components and rng.random() < 0.5:
            component = rng.choice(components)
            values = None
            if component.get("type") == 3:
                values = [rng.choice(component["options"])["value"]]
            pending = await self.dc.user_clicks(who, message, str(component["custom_id"]), values)
            first = await self.answered("a press", pending)
            await self._open_form(name, pending, first)
            return
        forged = _custom_id(rng, real)
        as_menu = forged.startswith("pick:") or rng.random() < 0.1
        values = [rng.choice([*real, junk(rng, 20), ""])] if as_menu else None
        pending = await self.dc.user_clicks(
            who, message, forged, values, forged=True, component_type=3 if as_menu else 2
        )
        await self.answered("a forged press", pending)

    async def forged_form(self, name: str) -> None:
        who, rng = uid(name), self.rng
        real = [c for m in self._pressable(who) for c in m.custom_ids]
        in_dm = rng.random() < 0.3
        data = {"custom_id": _form_id(rng, real), "components": _form_components(rng)}
        pending = await self.dc.user_submits_forged_modal(
            who, None if in_dm else GUILD, None if in_dm else GENERAL, data
        )
        await self.answered("a forged form", pending)

    async def altered(self, name: str) -> None:
        """A slash command or a press with its guild, channel or locale changed."""
        who, rng = uid(name), self.rng
        command = self.dc.commands()
        chosen = rng.choice([c for c in command if c.get("type", 1) == 1 and c["name"] != "murmure"])
        data = {"id": chosen["id"], "name": chosen["name"], "type": 1}
        kind = APPLICATION_COMMAND
        if rng.random() < 0.4:
            kind = MESSAGE_COMPONENT
            data = {"custom_id": _custom_id(rng, []), "component_type": 2}
        elif rng.random() < 0.2:
            kind = MODAL_SUBMIT
            data = {"custom_id": "form:secret", "components": _form_components(rng)}
        pending = await self.dc.user_interacts_altered(who, GUILD, GENERAL, kind, data, _alteration(rng))
        self.outcome.interactions += 1
        # an interaction discord.py can't place may go unanswered (it can't be answered where it came from)
        with contextlib.suppress(TimeoutError):
            await pending.response(within=ANSWER_WITHIN)

    async def message_command(self, name: str) -> None:
        candidates = [m for m in self.dc.messages(GENERAL) if m.visible_to is None][-6:]
        if not candidates:
            await self.dm(name)
            return
        pending = await self.dc.user_runs_message_command(
            uid(name), self.rng.choice(candidates), "Reply anonymously"
        )
        first = await self.answered("Reply anonymously", pending)
        await self._open_form(name, pending, first)

    async def raw(self, name: str) -> None:
        channel = self.dc.dm_channel_id(uid(name)) or GENERAL
        event, data = _unparsable(self.rng, uid(name), channel)
        self.outcome.raw += 1
        await self.dc.dispatch_raw(event, data)

    async def one(self) -> None:
        name = self.rng.choice(NAMES)
        pick = self.rng.random()
        if pick < 0.25:
            await self.dm(name)
        elif pick < 0.4:
            await self.command(name)
        elif pick < 0.45:
            await self.admin()
        elif pick < 0.75:
            await self.press(name)
        elif pick < 0.83:
            await self.forged_form(name)
        elif pick < 0.88:
            await self.altered(name)
        elif pick < 0.93:
            await self.message_command(name)
        else:
            await self.raw(name)


async def add_elsewhere(d: Discord) -> None:
    """A second server with the bot in it, whose channel was never set up as a community."""
    await d.dc.add_guild(
        ELSEWHERE,
        "Elsewhere",
        owner_id=uid("mod"),
        channels=[(ELSEWHERE_CHANNEL, "random")],
        members=[uid(name) for name in USERS],
    )
    d.dc.make_moderator(ELSEWHERE, uid("mod"))


async def fuzz(d: Discord, rng: random.Random, count: int, give_up_after: int | None = None) -> Outcome:
    """Sends ``count`` events; returns what went unanswered and the texts sent. Stops early once
    ``give_up_after`` interactions in a row went unanswered (a client that stopped listening)."""
    fuzzer = Fuzzer(d, rng)
    for _ in range(count):
        await fuzzer.one()
        fuzzer.outcome.sent += 1
        if give_up_after is not None and fuzzer.outcome.in_a_row >= give_up_after:
            break
    return fuzzer.outcome
