"""``/export``: a JSON file of the member's own secrets and replies, what their keys reach now
(``own_writing``). Made for the event that asks and answered in it: never stored, never queued (an outbox
row holding it would tie a person's writing together in the database)."""

from __future__ import annotations

import json
from datetime import datetime

from bot.i18n import t
from bot.messages import Document, OutgoingMessage, Response, RichText, Say
from bot.model import Reaction
from bot.usecases.context import Context, say
from bot.usecases.own_writing import own_writing

FORMAT = "murmure-export/1"


def _when(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


async def export(ctx: Context) -> list[Response]:
    found = await own_writing(ctx)
    secrets, replies = found.live_secrets, found.live_replies
    if not secrets and not replies:
        return say("export.none")
    titles: dict[int, str] = {}

    async def title(community_id: int) -> str:
        if community_id not in titles:
            community = await ctx.uow.communities.get(community_id)
            titles[community_id] = community.title if community else ""
        return titles[community_id]

    ids = [secret.id for secret in secrets]
    reactions, reply_counts = await ctx.uow.reactions.counts_of(ids), await ctx.uow.replies.counts(ids)
    threads = {s.id: s for s in await ctx.uow.secrets.get_many(list({r.secret_id for r in replies}))}
    data = {
        "format": FORMAT,
        "exported_at": _when(ctx.now()),
        "secrets": [
            {
                "community": await title(secret.community_id),
                "number": secret.number if secret.number > 0 else None,
                "status": secret.status.value,
                "written_at": _when(secret.created_at),
                "text": secret.text,
                "content_warning": secret.content_warning,
                "topic": secret.collection,
                "reactions": {r.value: reactions[secret.id].of(r) for r in Reaction},
                "replies": reply_counts[secret.id],
            }
            for secret in secrets
        ],
        "replies": [
            {
                "community": await title(threads[reply.secret_id].community_id)
                if reply.secret_id in threads
                else "",
                "secret_number": threads[reply.secret_id].number if reply.secret_id in threads else None,
                "status": reply.status.value,
                "written_at": _when(reply.created_at),
                "pseudonym": reply.pseudonym,
                "text": reply.text,
            }
            for reply in replies
        ],
    }
    content = json.dumps(data, ensure_ascii=False, indent=2).encode()
    document = Document(f"murmure-export-{ctx.now():%Y%m%d-%H%M%S}.json", content)
    caption = t("export.caption", secrets=len(secrets), replies=len(replies))
    return [Say(OutgoingMessage(RichText.plain(caption), document=document))]
