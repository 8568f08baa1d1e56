"""Database routers DOT's checks are tested against."""


class AlphaRouter:
    """Everything in the ``alpha`` database."""

    def db_for_read(self, model, **hints):
        return "alpha"

    def db_for_write(self, model, **hints):
        return "alpha"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "alpha"


class CrossDatabaseRouter:
    """Access tokens in ``beta``; everything else left to the next router."""

    def _db(self, model):
        return "beta" if model._meta.model_name == "accesstoken" else None

    def db_for_read(self, model, **hints):
        return self._db(model)

    def db_for_write(self, model, **hints):
        return self._db(model)
