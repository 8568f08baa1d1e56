"""oauth_jwt's validator with the plain-http redirect rule relaxed: DOT's tests register
``http://example.org`` redirect URIs throughout."""

from oauth2_provider.oauth2_validators import OAuth2Validator

from oauth_jwt.server.validator import JWTOAuth2Validator


class Validator(JWTOAuth2Validator):
    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        return OAuth2Validator.validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs)
