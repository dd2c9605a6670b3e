"""SQLAlchemy 2 async storage behind the core's ports: SQLite by default, PostgreSQL by URL."""
