"""Turning the core's state into messages: cards, replies, previews, moderation items."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot import pictures
from bot.actions import (
    Cancel,
    ChooseCommunity,
    CycleTopic,
    DailyDigest,
    KeepDigest,
    Moderate,
    Page,
    Post,
    PostWithoutCrown,
    React,
    RemoveFor,
    ReplyLink,
    Report,
    ReportLink,
    ReportReply,
    ReportReplyLink,
    StopDigest,
    ToggleNotices,
    ToggleSubscription,
    ToggleWarning,
)
from bot.i18n import t_in
from bot.messages import Button, MessageLink, OutgoingMessage, Picture, RichText, Span, Style
from bot.model import (
    COLLECTIONS,
    VISIBLE_STATUSES,
    Community,
    Draft,
    DraftKind,
    FeedKind,
    ModOperation,
    PicturePolicy,
    QueueCause,
    QueueItem,
    Reaction,
    ReactionCounts,
    ReplyPost,
    ReplyStatus,
    ReportReason,
    Secret,
    SecretStatus,
)
from bot.moderation.verdict import Verdict
from bot.records import DigestAddress, StoredPicture
from bot.report_tally import ReportTally

REACTIONS = tuple(Reaction)
HIDDEN_BY_REPORTS = (SecretStatus.HIDDEN, ReplyStatus.HIDDEN)
REPORT_REASONS = tuple(ReportReason)
REMOVAL_REASONS = tuple(ReportReason)


def secret_body(locale: str, text: str, content_warning: bool) -> RichText:
    if content_warning:
        return RichText(
            (Span(t_in(locale, "card.content_warning") + "\n", Style.ITALIC), Span(text, Style.SPOILER))
        )
    return RichText.plain(text)


def topic_label(locale: str, collection: str | None) -> str:
    return t_in(locale, f"collection.{collection}") if collection else t_in(locale, "collection.none")


def card_picture(secret: Secret, stored: StoredPicture | None) -> Picture | None:
    """A card's photo while the card is visible (blurred under a content warning); a grey placeholder in its
    place once hidden, removed or deleted (its photo erased by then, or not); none on a secret without one."""
    if stored is None and not secret.picture:
        return None
    if secret.status not in VISIBLE_STATUSES or stored is None:
        return Picture(pictures.placeholder(), pictures.PLACEHOLDER_NAME)
    return Picture(stored.data, f"{stored.token}.jpg", spoiler=secret.content_warning)


def preview_picture(locale: str, stored: StoredPicture) -> OutgoingMessage:
    """The photo of a preview, on its own just above it: the re-encoded bytes that will be published (a
    message of its own, so that the preview's text keeps its length and its edits, whatever the platform)."""
    return OutgoingMessage(
        RichText.plain(t_in(locale, "preview.picture_shown")),
        picture=Picture(stored.data, f"{stored.token}.jpg"),
    )


def card(
    locale: str, secret: Secret, counts: ReactionCounts, replies: int, picture: StoredPicture | None = None
) -> OutgoingMessage:
    shown = card_picture(secret, picture)
    topic = f" · 🏷 {topic_label(locale, secret.collection)}" if secret.collection else ""
    header = RichText((Span(f"#{secret.shown_number}", Style.BOLD), Span(topic + "\n")))
    if secret.status is SecretStatus.HIDDEN:
        return OutgoingMessage(header + RichText.plain(t_in(locale, "card.hidden")), picture=shown)
    if secret.status is SecretStatus.REMOVED:
        return OutgoingMessage(header + RichText.plain(t_in(locale, "card.removed")), picture=shown)
    if secret.status is SecretStatus.DELETED:
        return OutgoingMessage(header + RichText.plain(t_in(locale, "card.deleted")), picture=shown)
    reactions = tuple(
        Button(f"{reaction.emoji} {counts.of(reaction)}", React(secret.token, reaction))
        for reaction in REACTIONS
    )
    reply_label = t_in(locale, "card.reply") + (f" ({replies})" if replies else "")
    actions = (
        Button(reply_label, link=ReplyLink(secret.token)),
        Button(t_in(locale, "card.report"), link=ReportLink(secret.token)),
    )
    return OutgoingMessage(
        header + secret_body(locale, secret.text, secret.content_warning), (reactions, actions), picture=shown
    )


def thread_title(secret: Secret) -> str:
    """The name of the thread of replies on a card, where threads have names: the secret's number only
    (an excerpt would stay in the list of threads after a removal)."""
    return f"💬 #{secret.shown_number}"


def pseudonym_label(locale: str, pseudonym: str, by_author: bool) -> str:
    if by_author:
        return t_in(locale, "reply.author_badge")
    animal, _, rest = pseudonym.partition(":")
    colour, _, number = rest.partition(":")  # "fox:amber:2" in a crowded thread
    name = t_in(
        locale, "pseudonym", animal=t_in(locale, f"animal.{animal}"), colour=t_in(locale, f"colour.{colour}")
    )
    return f"{name} {number}" if number else name


def reply_message(locale: str, reply: ReplyPost, secret_visible: bool = True) -> OutgoingMessage:
    """A reply under its card, with its Report button; a placeholder once it (or its secret) is gone."""
    label = pseudonym_label(locale, reply.pseudonym, reply.by_author)
    gone = {
        ReplyStatus.HIDDEN: "reply.hidden",
        ReplyStatus.REMOVED: "reply.removed",
        ReplyStatus.DELETED: "reply.deleted",
    }.get(reply.status)
    if gone is None and not secret_visible:
        gone = "reply.hidden_with_secret"
    if gone is not None:
        return OutgoingMessage(RichText((Span("💬 ", Style.BOLD), Span(t_in(locale, gone), Style.ITALIC))))
    report = Button(t_in(locale, "card.report"), link=ReportReplyLink(reply.token))
    return OutgoingMessage(RichText((Span(f"💬 {label}", Style.BOLD), Span("\n" + reply.text))), ((report,),))


def community_label(locale: str, community: Community, readers: Mapping[int, int | None]) -> str:
    """A community's title with its readers and a short code, so that two groups titled alike (a trap
    group named after a real one) never look the same."""
    count = readers.get(community.id)
    shown = t_in(locale, "preview.readers_unknown") if count is None else str(count)
    return f"{community.title} · 👥 {shown} · c{community.id}"


def preview(
    locale: str,
    draft: Draft,
    communities: Sequence[Community],
    secret_number: str | None,
    readers: Mapping[int, int | None] | None = None,
    author: bool = False,
    picture: bool = False,
) -> OutgoingMessage:
    """``author``: a reply by the secret's own author, who chooses to sign it 👑 or not."""
    counts = readers or {}
    did = draft.id
    if draft.kind is DraftKind.REPLY:
        title = t_in(locale, "preview.reply_title", number=secret_number or "?")
    else:
        title = t_in(locale, "preview.title")
    text = RichText((Span(title, Style.BOLD), Span("\n\n"))) + secret_body(
        locale, draft.text, draft.content_warning
    )
    rows: list[tuple[Button, ...]] = []
    notes: list[str] = []
    if draft.kind is DraftKind.SECRET:
        chosen = next((c for c in communities if c.id == draft.community_id), None)
        notes.append(
            t_in(locale, "preview.community", title=community_label(locale, chosen, counts))
            if chosen
            else t_in(locale, "preview.choose")
        )
        if len(communities) > 1:
            rows.append(
                tuple(
                    Button(
                        ("• " if c.id == draft.community_id else "") + community_label(locale, c, counts),
                        ChooseCommunity(did, c.id),
                    )
                    for c in communities
                )
            )
        if picture:
            notes.append(t_in(locale, "preview.picture"))
            if chosen is not None and chosen.settings.pictures is PicturePolicy.OFF:
                notes.append(t_in(locale, "picture.off", community=chosen.title))
            elif chosen is not None and chosen.settings.pictures is PicturePolicy.REVIEW:
                notes.append(t_in(locale, "preview.picture_review"))
        cw_label = t_in(locale, "preview.cw_on" if draft.content_warning else "preview.cw_off")
        notify_label = t_in(locale, "preview.notify_on" if draft.notify_replies else "preview.notify_off")
        options: tuple[Button, ...] = (
            Button(cw_label, ToggleWarning(did)),
            Button(notify_label, ToggleNotices(did)),
        )
        if chosen is not None and chosen.settings.collections:
            topic = t_in(locale, "preview.topic", topic=topic_label(locale, draft.collection))
            options += (Button(topic, CycleTopic(did)),)
        rows.append(options)
    if draft.verdict is Verdict.REVIEW and set(draft.reason_categories) == {"self_harm"}:
        # one's own distress is not something to rethink: it is held so that a person reads it first
        notes.append(t_in(locale, "preview.care_note"))
    elif draft.verdict is Verdict.REVIEW:
        reasons = ", ".join(t_in(locale, f"reason.{category}") for category in draft.reason_categories)
        notes.append(t_in(locale, "preview.review_note", reasons=reasons))
    post_label = t_in(locale, "preview.submit_review" if draft.verdict is Verdict.REVIEW else "preview.post")
    cancel = Button(t_in(locale, "preview.cancel"), Cancel(did))
    if author and draft.kind is DraftKind.REPLY:
        notes.append(t_in(locale, "preview.author_choice"))
        rows.append((Button(t_in(locale, "preview.post_crowned"), Post(did)),))
        rows.append((Button(t_in(locale, "preview.post_uncrowned"), PostWithoutCrown(did)), cancel))
    else:
        rows.append((Button(post_label, Post(did)), cancel))
    if notes:
        text = text + RichText.plain("\n\n" + "\n".join(notes))
    return OutgoingMessage(text, tuple(rows))


def queue_item(
    locale: str,
    community: Community,
    item: QueueItem,
    secret: Secret,
    outcome: str | None = None,
    reply: ReplyPost | None = None,
    picture: StoredPicture | None = None,
) -> OutgoingMessage:
    """An item of the moderators' queue; a secret's photo goes with it (blurred under a content warning):
    moderators see it before anyone else does."""
    shown = (
        Picture(picture.data, f"{picture.token}.jpg", spoiler=secret.content_warning)
        if picture is not None and reply is None
        else None
    )
    cause_key = {
        QueueCause.REPORTS: "queue.cause_reports",
        QueueCause.FILTER: "queue.cause_filter",
        QueueCause.REVIEW_MODE: "queue.cause_review_mode",
        QueueCause.NEW_AUTHOR: "queue.cause_new_author",
        QueueCause.PICTURE: "queue.cause_picture",
    }[item.cause]
    if item.cause is QueueCause.REPORTS:
        tally = ReportTally.parse(item.detail)
        details = ", ".join(t_in(locale, f"report.{part}") for part in tally.reasons)
        hidden = (reply.status if reply is not None else secret.status) in HIDDEN_BY_REPORTS
        if tally.by_moderator:
            cause_key = "queue.cause_moderator_request"
        elif not hidden:
            cause_key = "queue.cause_reported"
    else:
        tally = ReportTally()
        details = ", ".join(t_in(locale, f"reason.{part}") for part in item.detail.split(",") if part)
    if reply is not None:
        head = t_in(locale, "queue.reply_title", community=community.title, number=secret.shown_number)
        body = RichText.plain(reply.text)
    else:
        head = t_in(locale, "queue.title", community=community.title, number=secret.shown_number)
        body = secret_body(locale, secret.text, secret.content_warning)
    cause = t_in(locale, cause_key, details=details, count=tally.count)
    text = RichText((Span(head, Style.BOLD), Span("\n" + cause + "\n\n"))) + body
    if outcome is not None:
        return OutgoingMessage(text + RichText((Span("\n\n"), Span(outcome, Style.ITALIC))), picture=shown)
    buttons = tuple(
        Button(t_in(locale, f"queue.{operation.value}"), Moderate(item.token, operation))
        for operation in ModOperation
    )
    return OutgoingMessage(text, (buttons[:2], buttons[2:]), picture=shown)  # decide | sanction the author


def removal_reasons(
    locale: str, community: Community, item: QueueItem, secret: Secret, reply: ReplyPost | None = None
) -> OutgoingMessage:
    base = queue_item(locale, community, item, secret, outcome=t_in(locale, "queue.pick_reason"), reply=reply)
    buttons = tuple(
        (Button(t_in(locale, f"report.{reason.value}"), RemoveFor(item.token, reason)),)
        for reason in REMOVAL_REASONS
    )
    return OutgoingMessage(base.text, buttons)


def report_reasons(locale: str, secret: Secret) -> OutgoingMessage:
    buttons = tuple(
        (Button(t_in(locale, f"report.{reason.value}"), Report(secret.token, reason)),)
        for reason in REPORT_REASONS
    )
    return OutgoingMessage(RichText.plain(t_in(locale, "report.ask", number=secret.shown_number)), buttons)


def reply_report_reasons(locale: str, reply: ReplyPost, secret: Secret) -> OutgoingMessage:
    buttons = tuple(
        (Button(t_in(locale, f"report.{reason.value}"), ReportReply(reply.token, reason)),)
        for reason in REPORT_REASONS
    )
    text = t_in(locale, "report.ask_reply", number=secret.shown_number)
    return OutgoingMessage(RichText.plain(text), buttons)


FEED_PAGE = 5


def feed_actions(secret: Secret, counts: ReactionCounts) -> tuple[Button, ...]:
    """A feed item's row: the card's reactions, Reply and Report, the same actions and links as on the card
    (the first label carries the number, so a row reads on its own)."""
    labels = [f"{r.emoji} {counts.of(r)}" if counts.of(r) else r.emoji for r in REACTIONS]
    labels[0] = f"#{secret.shown_number} {labels[0]}"
    token = secret.token
    reactions = tuple(Button(label, React(token, r)) for label, r in zip(labels, REACTIONS, strict=True))
    return (*reactions, Button("💬", link=ReplyLink(token)), Button("🚩", link=ReportLink(token)))


def feed_page(
    locale: str,
    kind: FeedKind,
    page: int,
    items: Sequence[tuple[Secret, str]],
    more: bool,
    actionable: Mapping[int, ReactionCounts] | None = None,
) -> OutgoingMessage:
    """One page of secrets for browsing in DM, with paging buttons; each item of ``actionable`` (a secret of
    the reader's communities, with its counts) gets a row of the card's buttons."""
    title = t_in(locale, f"feed.{kind.value}", page=page + 1)
    text = RichText((Span(title, Style.BOLD),))
    if not items:
        text = text + RichText.plain("\n\n" + t_in(locale, "feed.empty"))
    for secret, community_title in items:
        topic = f" · 🏷 {topic_label(locale, secret.collection)}" if secret.collection else ""
        head = f"\n\n#{secret.shown_number} · {community_title}{topic}\n"
        excerpt = secret.text if len(secret.text) <= 280 else secret.text[:279] + "…"
        body = Span(excerpt, Style.SPOILER) if secret.content_warning else Span(excerpt)
        text = text + RichText((Span(head, Style.BOLD), body))
    acting = actionable or {}
    rows = tuple(feed_actions(secret, acting[secret.id]) for secret, _ in items if secret.id in acting)
    buttons: list[Button] = []
    if page > 0:
        buttons.append(Button(t_in(locale, "feed.previous"), Page(kind, page - 1)))
    if more:
        buttons.append(Button(t_in(locale, "feed.next"), Page(kind, page + 1)))
    other = FeedKind.TOP if kind is FeedKind.LATEST else FeedKind.LATEST
    switch = Button(t_in(locale, f"feed.switch_{other.value}"), Page(other, 0))
    return OutgoingMessage(text, (*rows, tuple(buttons), (switch,)) if buttons else (*rows, (switch,)))


def topics(locale: str, subscribed: Sequence[str], daily: DigestAddress | None) -> OutgoingMessage:
    rows = tuple(
        (
            Button(
                ("✅ " if name in subscribed else "➕ ") + topic_label(locale, name),
                ToggleSubscription(name),
            ),
        )
        for name in COLLECTIONS
    )
    digest = Button(
        t_in(locale, "topics.daily_on" if daily is not None else "topics.daily_off"),
        DailyDigest(daily is None),
    )
    text = t_in(locale, "topics.ask")
    if daily is not None:  # when it comes, and how to change it
        text += "\n\n" + t_in(locale, "topics.daily_when", time=daily.at, zone=daily.zone)
    return OutgoingMessage(RichText.plain(text), (*rows, (digest,)))


def member_digest(
    locale: str, items: Sequence[tuple[Secret, str, MessageLink | None]], *, last: bool = False
) -> OutgoingMessage:
    text = RichText((Span(t_in(locale, "digest.member_title"), Style.BOLD),))
    for rank, (secret, community_title, link) in enumerate(items, start=1):
        excerpt = _digest_excerpt(locale, secret)
        topic = topic_label(locale, secret.collection)
        text = text + RichText(
            (
                Span(f"\n{rank}. "),
                Span(f"#{secret.shown_number}", Style.BOLD, link),
                Span(f" · {community_title} · 🏷 {topic} — {excerpt}"),
            )
        )
    buttons: tuple[Button, ...] = (Button(t_in(locale, "digest.member_off"), StopDigest()),)
    if last:  # a clear renewal instead of a silent stop
        text = text + RichText((Span("\n\n" + t_in(locale, "digest.member_last")),))
        buttons = (Button(t_in(locale, "digest.member_keep"), KeepDigest()), *buttons)
    return OutgoingMessage(text, (buttons,))


def _digest_excerpt(locale: str, secret: Secret) -> str:
    """A line of a digest: the start of the secret, or a notice when it carries a content warning."""
    if secret.content_warning:
        return t_in(locale, "digest.content_warning")
    return secret.text if len(secret.text) <= 120 else secret.text[:119] + "…"


def digest(
    locale: str, community_title: str, items: Sequence[tuple[Secret, MessageLink | None]]
) -> OutgoingMessage:
    text = RichText((Span(t_in(locale, "digest.title", community=community_title), Style.BOLD),))
    for rank, (secret, link) in enumerate(items, start=1):
        excerpt = _digest_excerpt(locale, secret)
        text = text + RichText(
            (
                Span(f"\n{rank}. "),
                Span(f"#{secret.shown_number}", Style.BOLD, link),
                Span(f" — {excerpt}"),
            )
        )
    return OutgoingMessage(text)
