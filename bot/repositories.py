"""The repositories the core works through, one per aggregate, all reached from one unit of work.

Values go in whole (``NewSecret``, ``NewDraft``, ...) and come out named (``ReporterRecord``, ``AuditEntry``):
no long positional lists and no anonymous tuples at the seam. The contract is tests/storage/, run on the
in-memory fake, SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from bot.model import (
    Ban,
    Community,
    CommunitySettings,
    Draft,
    DraftStatus,
    QueueCause,
    QueueItem,
    QueueStatus,
    Reaction,
    ReactionCounts,
    ReplyPost,
    ReportReason,
    Secret,
    SecretStatus,
)
from bot.records import (
    AuditEntry,
    Counter,
    CounterBump,
    DigestAddress,
    DigestReader,
    DraftOwner,
    FeedQuery,
    HeldBanKey,
    NewDraft,
    NewReply,
    NewReport,
    NewSecret,
    OwnList,
    PendingNotices,
    PublicCommunity,
    ReporterRecord,
    SealedReporter,
    SealedValue,
    Standing,
    Standings,
    StoredPicture,
    WordEntry,
)


class CommunityRepository(Protocol):
    async def add(
        self, platform: str, chat_ref: str, title: str, settings: CommunitySettings, at: datetime
    ) -> Community:
        """A new community: what of ``settings`` differs from the configured defaults (and the pinned
        settings) is kept as its own; the rest follows the defaults (``bot.model.own_settings_of``)."""
        ...

    async def get(self, community_id: int) -> Community | None: ...
    async def by_chat(self, platform: str, chat_ref: str) -> Community | None: ...
    async def active_on(self, platform: str, limit: int) -> Sequence[Community]: ...
    async def set_active(self, community_id: int, active: bool, title: str | None = None) -> None: ...
    async def update_settings(
        self,
        community_id: int,
        settings: CommunitySettings,
        at: datetime,
        own: frozenset[str] | None = None,
    ) -> None:
        """New settings: the values of ``own`` are kept as the community's, every other setting follows the
        configured defaults again (``own`` None: what differs from them, and the pinned ones). Turning
        ``public`` on at ``at`` shares only the secrets published from then on."""
        ...

    async def set_moderation_chat(self, community_id: int, chat_ref: str | None) -> None: ...
    async def set_topic(self, community_id: int, topic_ref: str | None) -> None:
        """The forum topic its cards go to (None: the chat's main one)."""
        ...

    async def set_discussion(self, community_id: int, discussion_ref: str | None) -> None:
        """The chat its replies go to as comments (a Telegram channel's discussion group), or None."""
        ...

    async def add_copy(self, community_id: int, message_ref: str, copy_ref: str) -> None:
        """The platform copied a message of the community's chat into its discussion chat (Telegram's
        automatic forward of a channel post). Kept whether or not the message is known yet as a card: the
        copy may arrive before the card is recorded as out."""
        ...

    async def copy_of(self, community_id: int, message_ref: str) -> str | None: ...

    async def move(self, platform: str, old_chat_ref: str, new_chat_ref: str) -> None:
        """A chat changed its id (a Telegram group became a supergroup): follow it, as a community and as
        a moderators' chat."""
        ...

    async def next_number(self, community_id: int) -> int: ...
    async def ids_on(self, platform: str) -> Sequence[int]:
        """Every community of a platform, active or not."""
        ...

    async def public_since(self, platform: str | None = None) -> Sequence[PublicCommunity]: ...
    async def words(self, community_id: int) -> Sequence[WordEntry]:
        """The community's own word list, by term."""
        ...

    async def put_word(self, community_id: int, entry: WordEntry, at: datetime) -> None:
        """Add a term, or change what an existing one does."""
        ...

    async def remove_word(self, community_id: int, term: str) -> bool: ...
    async def claim_admin_notice(self, community_id: int, kind: str, period: str, at: datetime) -> bool:
        """Whether this caller is the first to claim the community's notice ``kind`` for ``period``: only it
        sends the notice (several processes, restarts)."""
        ...

    async def erase_admin_notice_claims(self, before: datetime) -> int:
        """Claims made before ``before`` erased (their periods are over); how many."""
        ...


class MemberRepository(Protocol):
    """Members as communities know them, by community keys (one per member and community): verified
    membership, join day and bans; and counters of one member, community and period (limits, strikes)."""

    async def verified_since(self, member_keys: Sequence[str], since: datetime) -> Sequence[int]:
        """The communities where one of these community keys was verified since ``since``."""
        ...

    async def verified_at(self, member_keys: Sequence[str]) -> Mapping[int, datetime]:
        """When one of these community keys was last verified, by community (those never verified: absent)."""
        ...

    async def standings(
        self, member_keys: Sequence[str], now: datetime, counter_keys: Sequence[str] = ()
    ) -> Standings:
        """``verified_at`` of these community keys, by community the ban in force of one of them
        (``active_ban``'s), and those of the counters ``counter_keys`` in force (``counter``'s), in one
        query."""
        ...

    async def mark_verified(self, member_key: str, community_id: int, at: datetime) -> None: ...
    async def forget_membership(self, member_key: str, community_id: int) -> None: ...
    async def forget_memberships(self, member_keys: Sequence[str]) -> None:
        """A member forgets themselves: their verified memberships and join days go (bans, reporter records
        and the counters of the current period stay, so that forgetting is no way out of a sanction)."""
        ...

    async def joined_at(self, member_key: str, community_id: int) -> datetime | None:
        """When we saw this member join the community's chat (None: there before us, or never seen)."""
        ...

    async def record_join(self, member_key: str, community_id: int, at: datetime) -> None: ...
    async def counter(self, counter_key: str, now: datetime) -> Counter | None:
        """A period counter, unless its period is over."""
        ...

    async def bump_counter(self, counter_key: str, at: datetime, expires_at: datetime) -> None: ...
    async def erase_expired_counters(self, now: datetime) -> int: ...
    async def active_ban(self, member_key: str, community_id: int, now: datetime) -> Ban | None:
        """The ban in force that lasts longest (a permanent one first), if any."""
        ...

    async def standing(
        self,
        member_key: str,
        community_id: int,
        since: datetime,
        now: datetime,
        counter_key: str | None = None,
    ) -> Standing:
        """Whether the key was verified in the community since ``since``, and ``active_ban``, together; with
        ``counter_key``, that counter too (``counter``), in the same query."""
        ...

    async def add_ban(self, ban: Ban, at: datetime) -> None: ...


class PreferenceRepository(Protocol):
    """What a member chose for themselves, tied to no content, by their preference key: language, topics;
    what their next DM means, by their pending key and sealed."""

    async def locale(self, preference_key: str) -> str | None: ...
    async def set_locale(self, preference_key: str, locale: str) -> None: ...
    async def pending_input(self, pending_key: str, now: datetime) -> SealedValue | None: ...
    async def set_pending_input(self, pending_key: str, pending: SealedValue | None) -> None: ...
    async def subscriptions(self, preference_key: str) -> Sequence[str]: ...
    async def set_subscription(self, preference_key: str, collection: str, on: bool) -> None: ...
    async def erase(self, preference_key: str, pending_key: str) -> None:
        """A member forgets themselves: their language, topics and pending input go."""
        ...


class OwnListRepository(Protocol):
    """One sealed row per person listing their secrets (bot/own_list.py), found by a locator."""

    async def get(self, locator: str) -> OwnList | None: ...
    async def save(self, locator: str, sealed: bytes, previous: str | None, version: str) -> bool:
        """Write the list if it is still at ``previous`` (None: not there yet); False when another event
        changed it meanwhile."""
        ...

    async def delete(self, locator: str) -> None: ...


class DigestRepository(Protocol):
    """Daily digests: who reads one in DM, and the claims that make each one happen once."""

    async def claim_community(self, community_id: int, period: str, at: datetime) -> bool:
        """True for the one caller that claims this community's digest for this period."""
        ...

    async def claim_member(self, preference_key: str, period: str, at: datetime) -> bool: ...
    async def member_claims(self, since: datetime) -> set[tuple[str, str]]:
        """The (preference key, period) of the member digests claimed at or after ``since``: the digest job
        skips them without a claim each (a digest stays due for hours, and the job runs every minute)."""
        ...

    async def address(self, preference_key: str, now: datetime) -> DigestAddress | None: ...
    async def set_address(self, preference_key: str, address: DigestAddress | None) -> None:
        """Opt in to the daily DM digest (a sealed address), refresh it, or opt out (None)."""
        ...

    async def readers(self, now: datetime) -> Sequence[DigestReader]: ...
    async def forget_reader(self, preference_key: str) -> None:
        """A member forgets themselves: their digest address and the claims of their digests go."""
        ...

    async def erase_expired(self, now: datetime) -> int: ...
    async def erase_member_claims(self, before: datetime) -> int:
        """The claims of member digests made before ``before``, long past the digest they claimed: a day's
        digest is over within its catch-up hours, and the rows would tell on which days someone read one."""
        ...


class DraftRepository(Protocol):
    async def add(self, draft: NewDraft) -> Draft: ...
    async def get(self, draft_id: int) -> Draft | None: ...
    async def save(self, draft: Draft) -> None:
        """Keep a draft's choices (community, content warning, collection); its status moves by transition."""
        ...

    async def transition(self, draft_id: int, old: DraftStatus, new: DraftStatus) -> bool:
        """Move a draft from ``old`` to ``new`` atomically; False when it was no longer ``old``."""
        ...

    async def delete(self, draft_id: int) -> None:
        """A draft posted or cancelled is purged, text and key."""
        ...

    async def take(self, draft_id: int) -> bool:
        """Purge a draft (with its photo) as it is posted or cancelled, if it is still open: True when this
        call took it, False when it was no longer open (another press took it first)."""
        ...

    async def owners(self) -> Sequence[DraftOwner]:
        """Every draft's salted owner tag (drafts live a day at most: few)."""
        ...

    async def delete_stale(self, before: datetime) -> int:
        """Purge the drafts written before ``before``, left open; returns how many."""
        ...


class SecretRepository(Protocol):
    """A secret, its publication and its sealed return address."""

    async def add(self, secret: NewSecret) -> Secret: ...
    async def add_from_draft(
        self, draft_id: int, secret: NewSecret, own_list: str
    ) -> tuple[Secret, OwnList | None] | None:
        """The open draft ``draft_id`` taken (``DraftRepository.take``) and, if it was, ``secret`` added
        (``add``), with the sealed list at ``own_list`` as it stands (``OwnListRepository.get``'s); None if
        the draft was not open (another press took it). One statement on PostgreSQL (where the secret has
        a return address and a ban key)."""
        ...

    async def get(self, secret_id: int) -> Secret | None: ...
    async def by_token(self, token: str) -> Secret | None: ...
    async def get_many(self, secret_ids: Sequence[int], since: datetime | None = None) -> Sequence[Secret]:
        """Those of these secrets that exist (and were written at ``since`` or later, if given), in no
        particular order."""
        ...

    async def set_status(self, secret_id: int, status: SecretStatus) -> None: ...
    async def set_number(self, secret_id: int, number: int) -> None: ...
    async def take_number(
        self,
        secret_id: int,
        community_id: int,
        posted_day: str | None = None,
        counted: CounterBump | None = None,
    ) -> int:
        """The community's next number (``CommunityRepository.next_number``), given to this secret; with
        ``posted_day`` (the community's local day, ISO), one more secret posted that day counted too (its
        ``StatsRepository`` counter), and with ``counted`` one more on that member's counter
        (``MemberRepository.bump_counter``), in the same statement where the database allows (PostgreSQL:
        the two rows each post of the community updates, locked over one round trip less, and a round trip
        less for the member's)."""
        ...

    async def set_card_ref(self, secret_id: int, card_ref: str, at: datetime) -> None:
        """The card is out: its reference, and when it went out (feeds are ordered by that)."""
        ...

    async def card_out(
        self, secret_id: int, card_ref: str, at: datetime, *, delivered: int | None = None
    ) -> bool:
        """The card is out, in one statement (it closes the send-to-commit window): its reference, when, and
        a secret still queued becomes published, and the outbox entry ``delivered`` (if any) removed; True if
        it was queued. Where it is a unit of work's first statement, it may commit as it runs (PostgreSQL:
        one round trip, no BEGIN and COMMIT around it): nothing may follow it in that unit."""
        ...

    async def claim_sending(self, secret_id: int, now: datetime, until: datetime | None) -> bool:
        """Take (``until``) or give back (None) the right to send a card that has none yet; False when
        another dispatcher holds it."""
        ...

    async def renew_sending(self, secret_ids: Sequence[int], until: datetime) -> None:
        """Extend the right to send cards this dispatcher is still sending (held back by the platform)."""
        ...

    async def add_points(self, secret_id: int, delta: float) -> None: ...
    async def return_address(self, secret_id: int, now: datetime) -> bytes | None:
        """The sealed return address, unless erased or expired."""
        ...

    async def erase_return_address(self, secret_id: int) -> None: ...
    async def erase_expired_return_addresses(self, now: datetime) -> int: ...
    async def erase(self, secret_id: int) -> None:
        """Its author deleted it: its text, its authorship tag and its return address are erased, and what
        hangs on it goes (pseudonyms, reactions, reports, reply drafts; its replies' texts and authors). The
        emptied rows stay, the secret as ``DELETED``, for the placeholders of messages already out."""
        ...

    async def unlink(self, secret_id: int, salt: bytes, tag: str, ban_key: bytes | None) -> None:
        """Its author cuts every tie: a new random salt and tag (which no one's keys recompute) replace its
        authorship, its return address is erased, and its sealed community key is replaced by ``ban_key``
        (sealed again for the new salt, for the rest of its window) or erased (None)."""
        ...

    async def erase_removed_texts(self, before: datetime, limit: int) -> int:
        """Erase the text (and photo) of removed secrets written before ``before`` that no moderator has to
        decide on and none decided on since ``before``, the oldest ``limit`` of them at most; returns how
        many texts and photos were erased (0: none is left)."""
        ...

    async def ban_key(self, secret_id: int, now: datetime) -> bytes | None:
        """The author's sealed community key, while its window lasts or moderators have to decide on it."""
        ...

    async def erase_expired_ban_keys(self, now: datetime) -> int:
        """Erase the sealed keys past their window, except of secrets a moderator has still to judge."""
        ...

    async def held_ban_keys(self) -> Sequence[HeldBanKey]:
        """Every sealed ban key still kept (after a sealing-key rotation, those sealed with the previous key
        are sealed again: a secret waiting for moderators keeps its key past the previous key's overlap)."""
        ...

    async def replace_ban_key(self, secret_id: int, sealed: bytes) -> None: ...


class FeedRepository(Protocol):
    """Published secrets, read many at a time."""

    async def page(self, query: FeedQuery) -> Sequence[Secret]: ...
    async def top_since(self, community_id: int, since: datetime, limit: int) -> Sequence[Secret]:
        """Published secrets of a community written since a time, most points first."""
        ...


class ReplyRepository(Protocol):
    """A secret's thread: anonymous replies and the pseudonyms given out in it."""

    async def add(self, reply: NewReply) -> ReplyPost: ...
    async def get(self, reply_id: int) -> ReplyPost | None: ...
    async def by_token(self, token: str) -> ReplyPost | None: ...
    async def set_message_ref(self, reply_id: int, message_ref: str) -> None: ...
    async def count(self, secret_id: int) -> int:
        """The replies out under a secret and still shown (not removed, hidden or deleted)."""
        ...

    async def counts(self, secret_ids: Sequence[int]) -> Mapping[int, int]:
        """The reply counts of several threads at once, as ``count`` (every id given has an entry)."""
        ...

    async def ban_key(self, reply_id: int, now: datetime) -> bytes | None:
        """The replier's sealed community key, while its window lasts."""
        ...

    async def erase_expired_ban_keys(self, now: datetime) -> int: ...
    async def of_thread(self, secret_id: int, thread_key: str) -> Sequence[ReplyPost]:
        """One member's replies in one thread, oldest first."""
        ...

    async def rekey(
        self, secret_id: int, thread_key: str, new_key: str, ban_keys: Mapping[int, bytes]
    ) -> None:
        """A member cuts every tie: their replies and pseudonym in the thread move to ``new_key`` (random);
        each reply's sealed community key is replaced by its new seal in ``ban_keys`` (erased if absent)."""
        ...

    async def erase(self, reply_id: int) -> None:
        """Its author deleted it: its text, thread key and sealed key are erased, its reports deleted; the
        emptied row stays, ``DELETED``, for the placeholder of the message already out."""
        ...

    async def erase_removed_texts(self, before: datetime, limit: int) -> int:
        """As ``SecretRepository.erase_removed_texts``, for replies removed by moderators."""
        ...

    async def pseudonym_of(self, secret_id: int, thread_key: str) -> str | None: ...
    async def claim_pseudonym(self, secret_id: int, thread_key: str, pseudonym: str) -> bool:
        """Give ``pseudonym`` to this member in this thread; False when someone there has it already."""
        ...


class NoticeRepository(Protocol):
    """Authors' wishes to hear about replies, one per secret, each with its sealed address."""

    async def subscribe(self, secret_id: int, token: str, sealed: bytes, expires_at: datetime) -> None: ...
    async def count_reply(self, secret_id: int, now: datetime) -> bool:
        """One more reply to tell; False when no one waits for it (no wish, or an expired one)."""
        ...

    async def pending(self, secret_id: int, now: datetime) -> PendingNotices | None: ...
    async def claim(self, seen: PendingNotices, secret_id: int, now: datetime) -> PendingNotices | None:
        """The ``seen.count`` replies taken for one notice, numbered ``seen.batch + 1``: they are no longer
        pending once committed, before the notice is sent (a send retried after a lost answer or a kill
        tells nothing twice). None when another notice claimed first, or the wish ended since."""
        ...

    async def give_back(self, secret_id: int, count: int) -> None:
        """A claimed notice the platform surely refused: its ``count`` replies are to tell again."""
        ...

    async def stop(self, token: str) -> bool:
        """No more notices (the sealed address erased); False when there was no such wish."""
        ...

    async def find(self, token: str, now: datetime) -> PendingNotices | None:
        """The wish a notice's button names, unless it ended (stopped or expired)."""
        ...

    async def renew(self, token: str, sealed: bytes, expires_at: datetime, now: datetime) -> bool:
        """The author kept the notices: the address sealed anew, until ``expires_at``; False when the wish
        ended meanwhile."""
        ...

    async def erase_expired(self, now: datetime) -> int: ...


class PictureRepository(Protocol):
    """Photos, re-encoded, held by a draft until Post and then by its secret; erased with either."""

    async def add(self, draft_id: int, picture: StoredPicture, at: datetime) -> None: ...
    async def of_draft(self, draft_id: int) -> StoredPicture | None: ...
    async def add_to_secret(self, secret_id: int, picture: StoredPicture, at: datetime) -> None:
        """The photo of a posted secret (its draft, and the draft's copy, are purged at Post)."""
        ...

    async def of_secret(self, secret_id: int) -> StoredPicture | None: ...
    async def with_pictures(self, secret_ids: Sequence[int]) -> set[int]:
        """Those of these secrets that carry a photo."""
        ...

    async def erase_orphans(self, before: datetime) -> int:
        """Photo files no photo names any more (a process died between a commit and their removal), last
        written before ``before``: removed. Nothing to do where photos are kept in the database."""
        ...


class ReactionRepository(Protocol):
    async def toggle(self, secret_id: int, reactor_key: str, reaction: Reaction, points: float = 0.0) -> bool:
        """True when the reaction is now on, False when it was removed; the secret's points moved by
        ``points`` (added) or ``-points`` (removed), in the same statement where the database allows."""
        ...

    async def counts(self, secret_id: int) -> ReactionCounts: ...
    async def counts_of(self, secret_ids: Sequence[int]) -> Mapping[int, ReactionCounts]:
        """The counts of several secrets at once (every id given has an entry)."""
        ...


class ReportRepository(Protocol):
    async def add(self, report: NewReport) -> bool:
        """False when this reporter had already reported this secret."""
        ...

    async def weight(self, secret_id: int, since: datetime | None = None) -> float:
        """The sum of the weights of the distinct reports on a secret (made after ``since``)."""
        ...

    async def reasons(self, secret_id: int) -> Sequence[ReportReason]: ...
    async def sealed_reporters(self, secret_id: int, now: datetime) -> Sequence[SealedReporter]:
        """The reports on a secret still holding their reporter's sealed community key."""
        ...

    async def erase_seals(self, secret_id: int) -> None: ...
    async def erase_expired_seals(self, now: datetime) -> int: ...
    async def record_of(self, member_key: str, community_id: int) -> ReporterRecord:
        """A reporter's judged reports in one community, by their community key."""
        ...

    async def record_judgement(self, member_key: str, community_id: int, upheld: bool) -> None: ...


class ModerationRepository(Protocol):
    async def add_item(
        self, community_id: int, secret_id: int, cause: QueueCause, detail: str, at: datetime
    ) -> QueueItem: ...
    async def get_item(self, item_id: int) -> QueueItem | None: ...
    async def item_by_token(self, token: str) -> QueueItem | None:
        """The item a moderator's button names (buttons carry a random token, not the id)."""
        ...

    async def open_item_for(self, secret_id: int) -> QueueItem | None:
        """The open item about the secret itself (not about a reply under it)."""
        ...

    async def last_decision_at(self, secret_id: int) -> datetime | None: ...
    async def decide(self, item_id: int, status: QueueStatus, at: datetime) -> bool:
        """Close an open item; False when it was already decided."""
        ...

    async def set_item_ref(self, item_id: int, message_ref: str) -> None: ...
    async def set_item_detail(self, item_id: int, detail: str) -> None:
        """What an open item says changed (one more report)."""
        ...

    async def audit(self, entry: AuditEntry) -> None: ...
    async def audit_log(self, community_id: int, limit: int, offset: int = 0) -> Sequence[AuditEntry]:
        """A community's audit entries, newest first."""
        ...
