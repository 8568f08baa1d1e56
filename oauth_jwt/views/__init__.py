"""Old home of the hub's views, kept for settings that name a page in it: the views
are in ``oauth_jwt.server.views``."""
