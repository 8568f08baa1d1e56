"""DOT's device user-code page with guessing throttled (RFC 8628 §5.1).

A user code is short (8 characters) so that people can type it; what keeps it from being
guessed is its lifetime and a cap on wrong entries, counted per person and address in
``throttle``'s budget. Routed ahead of DOT's view under the same name.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from oauth2_provider import views as dot_views

from .. import throttle
from ..conf import jwt_settings


class DeviceUserCodeView(dot_views.DeviceUserCodeView):
    def post(self, request, *args, **kwargs):
        keys = throttle.user_code_keys(request)
        if throttle.over_budget(keys):
            form = self.get_form()
            form.is_valid()  # bound and cleaned, so that only this error shows
            form.errors.clear()
            form.add_error(None, _("Too many wrong codes. Wait a few minutes and try again."))
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(jwt_settings.CLIENT_AUTH_WINDOW_SECONDS)
            return response
        response = super().post(request, *args, **kwargs)
        if response.status_code != 302:
            throttle.count_failure(keys)
        return response
