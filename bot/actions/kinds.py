"""What a button or a deep link asks for: one frozen dataclass each. A secret is referred to by its random
token, never its id (ids follow the order of the DMs); a draft, item or community is one field that can
become a token the same way."""

from __future__ import annotations

from dataclasses import dataclass

from bot.actions.codec import Action, DeepLink, Form
from bot.model import FeedKind, ModOperation, Reaction, ReportReason, Token

# ----------------------------------------------------------------- writing a secret or a reply


@dataclass(frozen=True)
class ChooseCommunity(Action):
    code = "community"
    draft: int
    community: int


@dataclass(frozen=True)
class ToggleWarning(Action):
    code = "cw"
    draft: int


@dataclass(frozen=True)
class CycleTopic(Action):
    code = "topic"
    draft: int


@dataclass(frozen=True)
class ToggleNotices(Action):
    """The preview's "tell me about replies" switch."""

    code = "notify"
    draft: int


@dataclass(frozen=True)
class StopNotices(Action):
    """A reply notice's Stop button: its token is the notices' own, never the secret's (which cards show)."""

    code = "nstop"
    token: Token


@dataclass(frozen=True)
class KeepNotices(Action):
    """The "Keep notifying me" button of a reply notice sent near the end of its address: another week."""

    code = "nkeep"
    token: Token


@dataclass(frozen=True)
class Post(Action):
    code = "post"
    draft: int


@dataclass(frozen=True)
class PostWithoutCrown(Action):
    """The author of a secret posts their reply in its thread without the 👑 (under another pseudonym)."""

    code = "postq"
    draft: int


@dataclass(frozen=True)
class Cancel(Action):
    code = "cancel"
    draft: int


# ----------------------------------------------------------------- on cards


@dataclass(frozen=True)
class React(Action):
    code = "react"
    counter = True
    secret: Token
    reaction: Reaction


@dataclass(frozen=True)
class Report(Action):
    code = "report"
    secret: Token
    reason: ReportReason


@dataclass(frozen=True)
class ReportReply(Action):
    code = "rreport"
    reply: Token
    reason: ReportReason


@dataclass(frozen=True)
class DeleteReply(Action):
    """The author deletes their reply (``confirmed``: the second tap)."""

    code = "rdelete"
    reply: Token
    confirmed: bool


# ----------------------------------------------------------------- own secrets, language, browsing


@dataclass(frozen=True)
class AskDelete(Action):
    code = "delete"
    secret: Token


@dataclass(frozen=True)
class ConfirmDelete(Action):
    code = "delyes"
    secret: Token


@dataclass(frozen=True)
class Forget(Action):
    """``/forget``'s choice: cut every tie, or ``erase`` everything first; ``confirmed``: the second tap."""

    code = "forget"
    erase: bool
    confirmed: bool


@dataclass(frozen=True)
class KeepAll(Action):
    """``/forget`` called off."""

    code = "forgetno"


@dataclass(frozen=True)
class ChooseLanguage(Action):
    code = "lang"
    locale: str


@dataclass(frozen=True)
class Page(Action):
    code = "feed"
    kind: FeedKind
    page: int


@dataclass(frozen=True)
class ToggleSubscription(Action):
    code = "sub"
    topic: str


@dataclass(frozen=True)
class DailyDigest(Action):
    code = "dmdigest"
    on: bool


@dataclass(frozen=True)
class StopDigest(Action):
    """The DM digest's own off switch."""

    code = "dgoff"


@dataclass(frozen=True)
class KeepDigest(Action):
    """The last DM digest before it stops: "Keep sending" renews it for another week."""

    code = "dgkeep"


# ----------------------------------------------------------------- moderators


@dataclass(frozen=True)
class Moderate(Action):
    code = "mod"
    edits_group_message = True
    item: Token
    operation: ModOperation


@dataclass(frozen=True)
class RemoveFor(Action):
    """Remove a queued secret, for this reason (told to its author)."""

    code = "modrm"
    edits_group_message = True
    item: Token
    reason: ReportReason


@dataclass(frozen=True)
class SettingsHome(Action):
    """The settings panel's first page: every setting with its value."""

    code = "sethome"
    community: int


@dataclass(frozen=True)
class OpenSetting(Action):
    """One setting's page (``bot.community_settings``: its key)."""

    code = "setopen"
    community: int
    setting: str


@dataclass(frozen=True)
class ChooseSetting(Action):
    """A value of a setting, by the code its declaration gives it."""

    code = "setpick"
    community: int
    setting: str
    choice: int


@dataclass(frozen=True)
class ResetSetting(Action):
    """Back to the configuration's default for this setting."""

    code = "setreset"
    community: int
    setting: str


# ----------------------------------------------------------------- deep links


@dataclass(frozen=True)
class ReplyLink(DeepLink):
    code = "reply"
    form = Form.REPLY
    secret: Token


@dataclass(frozen=True)
class ReportLink(DeepLink):
    code = "report"
    secret: Token


@dataclass(frozen=True)
class ReportReplyLink(DeepLink):
    code = "rreport"
    reply: Token


@dataclass(frozen=True)
class PostLink(DeepLink):
    """The welcome's button: write a secret, this community verified first."""

    code = "post"
    form = Form.SECRET
    community: int


@dataclass(frozen=True)
class SettingsLink(DeepLink):
    """The settings panel of a community, opened in its admin's private chat."""

    code = "settings"
    community: int
