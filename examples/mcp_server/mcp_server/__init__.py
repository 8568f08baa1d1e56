"""An MCP server in a Django project of its own, protected by oauth_jwt's resource half
(see README.md): the hub issues the tokens, this project only checks them."""
