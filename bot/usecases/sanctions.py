"""Direct moderation, typed by a community's admins in its chat or its moderators' chat: remove a secret by
its number, ban its author (for a while or for good), lift a ban, list the bans in force. Authors stay
unknown: a ban is shown by its own number and the secret it was given for."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.i18n import t
from bot.messages import OutgoingMessage, Response, RichText, Say
from bot.model import BanRecord, Community, QueueStatus, Secret, SecretStatus
from bot.outbox import AuthorNotice, CardRefresh, Outbox
from bot.refusals import Refused
from bot.usecases import audit, authorship, membership
from bot.usecases.context import Context, say
from bot.usecases.threads import refresh_thread

_NUMBER = re.compile(r"#?([0-9]{1,9})")
_DURATION = re.compile(r"([0-9]{1,4})\s*([hdj])", re.IGNORECASE)  # hours, days (French "jours")
MAX_BAN = timedelta(days=3650)
TAKEN_DOWN = (SecretStatus.QUEUED, SecretStatus.PUBLISHED, SecretStatus.HIDDEN, SecretStatus.HELD)
DIRECT = audit.DIRECT_MARK


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def parse_duration(text: str) -> timedelta | None:
    """ "24h", "7d" (or "7j"): a ban's length; None when it is not one."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        return None
    amount = int(match[1])
    length = timedelta(hours=amount) if match[2].lower() == "h" else timedelta(days=amount)
    return length if timedelta(0) < length <= MAX_BAN else None


async def community_here(ctx: Context, chat_ref: str) -> Community:
    """The community a command typed in this chat is about (its own chat, or its moderators' chat), if the
    one who typed it is among its admins."""
    community = await ctx.uow.communities.by_chat(ctx.actor.platform, chat_ref)
    if community is None or not community.active:
        moderated = await ctx.uow.sanctions.moderated_in(ctx.actor.platform, chat_ref)
        if len(moderated) > 1:
            raise Refused("sanction.several_communities")
        community = moderated[0] if moderated else None
    if community is None:
        raise Refused("settings.no_community")
    if not await membership.is_admin(ctx, community):
        raise Refused("moderation.not_admin", community=community.title)
    return community


async def _secret_numbered(ctx: Context, community: Community, argument: str) -> Secret:
    match = _NUMBER.fullmatch(argument.strip())
    secret = await ctx.uow.sanctions.secret_by_number(community.id, int(match[1])) if match else None
    if secret is None:
        raise Refused("sanction.no_secret", community=community.title, number=argument.strip() or "?")
    return secret


async def _audit(ctx: Context, community: Community, action: str, secret_id: int | None, detail: str) -> None:
    await audit.record(ctx, community, action, secret_id, detail)


async def _take_down(ctx: Context, secret: Secret) -> bool:
    """Removed with its thread, its open queue item closed; False when it was gone already."""
    if secret.status not in TAKEN_DOWN:
        return False
    await ctx.uow.secrets.set_status(secret.id, SecretStatus.REMOVED)
    item = await ctx.uow.moderation.open_item_for(secret.id)
    if item is not None:
        await ctx.uow.moderation.decide(item.id, QueueStatus.REMOVED, ctx.now())
    await Outbox(ctx.uow, ctx.clock).add(CardRefresh(secret.id))
    await refresh_thread(ctx, secret.id)
    return True


async def remove(ctx: Context, chat_ref: str, argument: str) -> list[Response]:
    """``/remove N``: the secret #N taken down, its author told."""
    community = await community_here(ctx, chat_ref)
    secret = await _secret_numbered(ctx, community, argument)
    if not await _take_down(ctx, secret):
        raise Refused("sanction.already_gone", number=secret.shown_number)
    params = {"community": community.title, "number": secret.shown_number}
    await Outbox(ctx.uow, ctx.clock).add(AuthorNotice(secret.id, "notice.removed_directly", params))
    await _audit(ctx, community, "remove", secret.id, DIRECT)
    return say("sanction.removed", number=secret.shown_number)


async def ban(ctx: Context, chat_ref: str, argument: str) -> list[Response]:
    """``/ban N [24h|7d]``: the author of #N banned in the community (for good without a length), #N
    taken down."""
    community = await community_here(ctx, chat_ref)
    number, _, length_text = argument.strip().partition(" ")
    length = parse_duration(length_text) if length_text.strip() else None
    if length_text.strip() and length is None:
        raise Refused("sanction.ban_usage")
    secret = await _secret_numbered(ctx, community, number)
    now = ctx.now()
    until = now + length if length else None
    author = await authorship.author_member_key(ctx, secret)
    if author is None:
        raise Refused("moderation.author_forgotten")
    record = await ctx.uow.sanctions.ban(community.id, author, until, secret.id, now)
    await _take_down(ctx, secret)
    params = {"community": community.title, "number": secret.shown_number}
    if until is None:
        await Outbox(ctx.uow, ctx.clock).add(AuthorNotice(secret.id, "notice.banned_forever", params))
    else:
        params["until"] = _when(until)
        await Outbox(ctx.uow, ctx.clock).add(AuthorNotice(secret.id, "notice.banned_until", params))
    await _audit(ctx, community, "ban", secret.id, f"{DIRECT}:{record.id}")
    if until is None:
        return say("sanction.banned_forever", number=secret.shown_number, ban=record.id)
    return say("sanction.banned_until", number=secret.shown_number, ban=record.id, until=_when(until))


async def unban(ctx: Context, chat_ref: str, argument: str) -> list[Response]:
    """``/unban B``: ban number B lifted; its member may post again."""
    community = await community_here(ctx, chat_ref)
    match = _NUMBER.fullmatch(argument.strip())
    record = await ctx.uow.sanctions.get(int(match[1])) if match else None
    if record is None or record.community_id != community.id:
        raise Refused("sanction.no_ban", ban=argument.strip() or "?")
    if record.lifted_at is not None or (record.until is not None and record.until <= ctx.now()):
        raise Refused("sanction.ban_over", ban=record.id)
    if not await ctx.uow.sanctions.lift(record.id, ctx.now()):
        raise Refused("sanction.ban_over", ban=record.id)
    await _audit(ctx, community, "unban", record.secret_id, f"{DIRECT}:{record.id}")
    return say("sanction.unbanned", ban=record.id, community=community.title)


def _length(record: BanRecord) -> str:
    if record.until is None:
        return t("sanction.for_good")
    hours = round((record.until - record.created_at).total_seconds() / 3600)
    if hours % 24 == 0 and hours >= 48:
        return t("sanction.days", days=hours // 24)
    return t("sanction.hours", hours=hours)


async def bans(ctx: Context, chat_ref: str) -> list[Response]:
    """``/bans``: the bans in force, by number, with what each was given for and when it ends."""
    community = await community_here(ctx, chat_ref)
    records = await ctx.uow.sanctions.in_force(community.id, ctx.now())
    if not records:
        return say("sanction.no_bans", community=community.title)
    lines = [t("sanction.bans_title", community=community.title)]
    for record in records:
        secret = await ctx.uow.secrets.get(record.secret_id) if record.secret_id is not None else None
        cause = f"#{secret.shown_number}" if secret else "—"
        ends = (
            t("sanction.never_ends")
            if record.until is None
            else t("sanction.ends", until=_when(record.until))
        )
        lines.append(t("sanction.ban_line", ban=record.id, cause=cause, length=_length(record), ends=ends))
    lines.append(t("sanction.unban_hint"))
    return [Say(OutgoingMessage(RichText.plain("\n".join(lines))))]
