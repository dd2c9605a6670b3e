"""The audit log: every moderation action of a community, each under its moderator's alias there.

An alias tells moderators apart inside one community and says nothing else: it is derived from a key
scoped to the community (``Keys.moderator``), so neither the stored key nor the alias ties a moderator of
one community to the same person moderating another, or to their own secrets.
"""

from __future__ import annotations

import hashlib

from bot import stats
from bot.anonymity import ANIMALS
from bot.community_settings import setting_named
from bot.i18n import t
from bot.messages import OutgoingMessage, Response, RichText, Say
from bot.model import Community, ReportReason
from bot.numbers import parse_id
from bot.records import AuditEntry
from bot.refusals import Refused
from bot.stats import StatKind
from bot.usecases import membership
from bot.usecases.context import Context, say

PAGE = 15
AUTOMATIC = ""  # the moderator key of what the bot did by itself (a card hidden by reports)
REPLY_MARK = "reply:"  # a detail about a reply under the secret
DIRECT_MARK = "direct"  # a detail for an action typed as a command: "direct", or "direct:<ban number>"
SETTING_MARK = "setting:"  # a detail naming the setting changed
# the actions that take a secret or a reply down (a ban removes what it was given for): /stats counts them
REMOVALS = frozenset({"remove", "ban", "ban_day", "ban_week", "ban_forever"})


def scoped_key(ctx: Context, community: Community) -> str:
    """What the log keeps of the moderator acting now: their key scoped to this community."""
    return ctx.keys.moderator(community.id)


def alias(moderator_key: str) -> str:
    """A stable, readable name for a scoped moderator key ("Heron 4F2A"), or "automatic"."""
    if moderator_key == AUTOMATIC:
        return t("audit.automatic")
    digest = hashlib.sha256(f"murmure:alias:{moderator_key}".encode()).digest()
    animal = ANIMALS[digest[0] % len(ANIMALS)]
    return t("audit.alias", animal=t(f"animal.{animal}").capitalize(), code=digest[1:3].hex().upper())


async def record(ctx: Context, community: Community, action: str, secret_id: int | None, detail: str) -> None:
    """An action of the moderator acting now."""
    entry = AuditEntry(community.id, scoped_key(ctx, community), action, secret_id, detail, ctx.now())
    await ctx.uow.moderation.audit(entry)
    if action in REMOVALS:
        await stats.count(ctx.uow.stats, community, StatKind.REMOVED, ctx.now())


async def automatic(
    ctx: Context, community: Community, action: str, secret_id: int | None, detail: str
) -> None:
    """An action the bot took by itself."""
    await ctx.uow.moderation.audit(AuditEntry(community.id, AUTOMATIC, action, secret_id, detail, ctx.now()))


def _detail(detail: str) -> tuple[bool, str]:
    """(about a reply, what to show of the detail)."""
    reply = detail.startswith(REPLY_MARK)
    detail = detail.removeprefix(REPLY_MARK)
    if detail in {reason.value for reason in ReportReason}:
        return reply, t(f"report.{detail}")
    if detail.startswith(DIRECT_MARK):
        ban_number = detail.partition(":")[2]
        return reply, t("audit.ban_number", ban=ban_number) if ban_number else t("audit.direct")
    if detail.startswith(SETTING_MARK):
        key = detail.removeprefix(SETTING_MARK)
        setting = setting_named(key)  # a setting of the panel, or one with its own command (/words)
        name = setting.name if setting is not None else t(f"audit.setting_{key}")
        return reply, name[:1].lower() + name[1:]
    return reply, ""


async def show(ctx: Context, chat_ref: str, page_text: str = "") -> list[Response]:
    """``/audit [page]``: a page of the community's moderation actions, newest first, for its admins."""
    community = await ctx.uow.communities.by_chat(ctx.actor.platform, chat_ref)
    if community is None or not community.active:
        moderated = await ctx.uow.sanctions.moderated_in(ctx.actor.platform, chat_ref)
        community = moderated[0] if len(moderated) == 1 else None
    if community is None:
        raise Refused("settings.no_community")
    if not await membership.is_admin(ctx, community):
        raise Refused("moderation.not_admin", community=community.title)
    page = parse_id(page_text) or 1
    page = page if page < 10_000 else 1
    entries = await ctx.uow.moderation.audit_log(community.id, PAGE + 1, (page - 1) * PAGE)
    if not entries:
        return say("audit.empty", community=community.title)
    lines = [t("audit.title", community=community.title, page=page)]
    for entry in entries[:PAGE]:
        secret = await ctx.uow.secrets.get(entry.secret_id) if entry.secret_id is not None else None
        number = f"#{secret.shown_number}" if secret else "—"
        reply, shown = _detail(entry.detail)
        if reply:
            number = t("audit.reply_in", number=number)
        action = t(f"audit.{entry.action}")
        who = alias(entry.moderator_key)
        lines.append(f"{entry.at:%Y-%m-%d %H:%M} UTC · {who} · {number} · {action} {shown}".rstrip())
    if len(entries) > PAGE:
        lines.append(t("audit.older", page=page + 1))
    return [Say(OutgoingMessage(RichText.plain("\n".join(lines))))]
