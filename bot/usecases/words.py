"""A community's own word list, kept by its admins with ``/words`` typed in its chat or its moderators' chat
(answered privately): ``/words add [block|review] TERM``, ``/words remove TERM``, ``/words list``. Every
secret and reply of the community passes the list on top of the shipped filter (``check``)."""

from __future__ import annotations

import asyncio

from bot.i18n import t
from bot.messages import OutgoingMessage, Response, RichText, Say
from bot.model import Community
from bot.moderation.verdict import FilterResult, Verdict
from bot.moderation.words import MAX_ENTRIES, MAX_TERM_LENGTH, WordList, WordListError
from bot.records import WordEntry
from bot.refusals import Refused
from bot.usecases import audit
from bot.usecases.context import Context, say
from bot.usecases.sanctions import community_here

# English and French verbs, so the command reads naturally in either language
_ADD = frozenset({"add", "ajouter", "ajoute"})
_REMOVE = frozenset({"remove", "retirer", "retire", "delete", "supprimer"})
_LIST = frozenset({"", "list", "liste"})
_ACTIONS = {
    "block": Verdict.BLOCK,
    "bloquer": Verdict.BLOCK,
    "review": Verdict.REVIEW,
    "examiner": Verdict.REVIEW,
}
SETTING = "words"  # the audit log's name of this setting
# Characters up to which the filter scores a text on the event loop's thread (about a millisecond of CPU;
# benchmarks/moderation_bench.py), above which in a worker thread.
INLINE_CHECK_LENGTH = 400


async def word_list(ctx: Context, community: Community) -> WordList | None:
    """The community's list, ready to match (None when it has none)."""
    entries = await ctx.uow.communities.words(community.id)
    if not entries:
        return None
    try:
        return WordList.parse(f"{entry.verdict.value}\t{entry.term}" for entry in entries)
    except WordListError:  # every entry was checked when added; a list that no longer parses is not applied
        return None


async def check_with_list(ctx: Context, community: Community, text: str) -> FilterResult | None:
    """The filter's verdict with the community's word list on top; None when it has no list (the verdict
    without one is the draft's, given at its preview by the same filter on the same text)."""
    words = await word_list(ctx, community)
    return await _checked(ctx, text, words) if words is not None else None


async def check(ctx: Context, community: Community | None, text: str) -> FilterResult:
    """The filter's verdict on a text for ``community`` (its word list on top), or for no community yet."""
    words = await word_list(ctx, community) if community is not None else None
    return await _checked(ctx, text, words)


async def _checked(ctx: Context, text: str, words: WordList | None) -> FilterResult:
    """A long text, or any text while the filter is still being built, is scored in a worker thread: that
    takes up to tens of milliseconds of CPU (more on a loaded machine), during which the event loop, left
    free, answers other members' presses and records what the platforms just took (a burst of 30 first DMs
    held every press's answer 3 to 7 s in a chaos run). A short text is scored at once: about a millisecond,
    less than the hop to the thread and back costs, and no longer than the thread would hold the loop
    anyway (the interpreter lock passes between them every 5 ms)."""
    checker = ctx.services.text_filter
    ready = getattr(checker, "ready", None)  # a filter built apart from the start says when it is ready
    if len(text) <= INLINE_CHECK_LENGTH and (ready is None or ready()):
        return checker.check(text, ctx.locale, words=words)
    return await asyncio.to_thread(checker.check, text, ctx.locale, words=words)


async def manage(ctx: Context, chat_ref: str, argument: str) -> list[Response]:
    community = await community_here(ctx, chat_ref)
    verb, _, rest = argument.strip().partition(" ")
    verb, rest = verb.lower(), " ".join(rest.split())
    if verb in _LIST and not rest:
        return await _listing(ctx, community)
    if verb in _ADD and rest:
        first, _, term = rest.partition(" ")
        verdict = _ACTIONS.get(first.lower())
        if verdict is None or not term:
            verdict, term = Verdict.REVIEW, rest
        return await _add(ctx, community, WordEntry(verdict, term.casefold()))
    if verb in _REMOVE and rest:
        if not await ctx.uow.communities.remove_word(community.id, rest.casefold()):
            raise Refused("words.not_listed", term=rest, community=community.title)
        await audit.record(ctx, community, "setting", None, f"{audit.SETTING_MARK}{SETTING}")
        return say("words.removed", term=rest.casefold(), community=community.title)
    raise Refused("words.usage")


async def _add(ctx: Context, community: Community, entry: WordEntry) -> list[Response]:
    if len(entry.term) > MAX_TERM_LENGTH:
        raise Refused("words.bad_term", term=entry.term[:MAX_TERM_LENGTH] + "…")
    try:
        WordList.parse([f"{entry.verdict.value}\t{entry.term}"])
    except WordListError:
        raise Refused("words.bad_term", term=entry.term) from None
    present = {listed.term for listed in await ctx.uow.communities.words(community.id)}
    if entry.term not in present and len(present) >= MAX_ENTRIES:
        raise Refused("words.too_many", limit=MAX_ENTRIES)
    await ctx.uow.communities.put_word(community.id, entry, ctx.now())
    await audit.record(ctx, community, "setting", None, f"{audit.SETTING_MARK}{SETTING}")
    key = "words.added_block" if entry.verdict is Verdict.BLOCK else "words.added_review"
    return say(key, term=entry.term, community=community.title)


async def listing(ctx: Context, community: Community) -> str:
    """The community's list as its admins read it (``/words list`` and the settings panel's page)."""
    entries = await ctx.uow.communities.words(community.id)
    if not entries:
        return t("words.empty", community=community.title)
    lines = [t("words.title", community=community.title, count=len(entries))]
    lines += [f"• {entry.term} — {t(f'words.action_{entry.verdict.value}')}" for entry in entries]
    lines.append(t("words.usage"))
    return "\n".join(lines)


async def _listing(ctx: Context, community: Community) -> list[Response]:
    return [Say(OutgoingMessage(RichText.plain(await listing(ctx, community))))]
