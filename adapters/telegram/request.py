"""python-telegram-bot's HTTP layer, telling the core when a successful answer arrives (``answer_arrived``),
before the library parses it: the send-to-commit window is measured from there."""

from __future__ import annotations

from typing import Any

from telegram.request import HTTPXRequest

from bot.answer_arrival import answer_arrived

OK_FIRST, OK_PAST = 200, 300


class StampedRequest(HTTPXRequest):
    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        code, payload = await super().do_request(*args, **kwargs)
        if OK_FIRST <= code < OK_PAST:
            answer_arrived()  # the answer's bytes are here: parsed by the library after this
        return code, payload
