"""Murmure's core: domain, use cases, moderation, anonymity and i18n. No platform or ORM imports."""
