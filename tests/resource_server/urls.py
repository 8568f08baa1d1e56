"""Views for the in-process middleware and decorator tests."""

from django.contrib.admin import AdminSite
from django.http import JsonResponse
from django.urls import include, path
from django.views import View

from oauth_jwt.resource.decorators import AcceptTokenMixin, accept_token, require_token


@accept_token
def whoami(request):
    """Opted in, unprotected: reports what the middleware put on the request."""
    auth = request.auth
    return JsonResponse(
        {
            "user": str(request.user),
            "authenticated": request.user.is_authenticated,
            "user_class": request.user.__class__.__name__,
            "client_id": auth.client_id if auth else None,
        }
    )


class WhoAmIView(AcceptTokenMixin, View):
    def get(self, request):
        return whoami(request)

    def post(self, request):
        return whoami(request)


def session_only(request):
    """Did not opt in to bearer tokens: whoever the session says."""
    return JsonResponse({"user": str(request.user), "auth": bool(getattr(request, "auth", None))})


def untouched(request):
    return JsonResponse({"ok": True})


@require_token(scopes=["read"])
def read(request):
    return JsonResponse({"sub": request.auth.sub, "user": str(request.user)})


@require_token
def anything(request):
    return JsonResponse({"scope": request.auth.scope})


# A second admin under an instance name of its own (its app name is still "admin").
staff_site = AdminSite(name="staff")

urlpatterns = [
    path("staff/", staff_site.urls),
    path("whoami", whoami),
    path("untouched", untouched),
    path("session-only", session_only),
    path("listed/session-only", session_only),
    path("whoami-class", WhoAmIView.as_view()),
    path("read", read),
    path("anything", anything),
    path("", include("authhub.urls")),
]
