"""The use cases, one module per feature; ``bot.service`` routes events to them."""
