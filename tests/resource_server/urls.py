"""Views for the in-process middleware and decorator tests."""

from django.http import JsonResponse
from django.urls import include, path

from oauth_jwt.decorators import require_token


def whoami(request):
    """Unprotected: reports what the middleware put on the request."""
    auth = request.auth
    return JsonResponse(
        {
            "user": str(request.user),
            "authenticated": request.user.is_authenticated,
            "user_class": request.user.__class__.__name__,
            "client_id": auth.client_id if auth else None,
        }
    )


def untouched(request):
    return JsonResponse({"ok": True})


@require_token(scopes=["read"])
def read(request):
    return JsonResponse({"sub": request.auth.sub, "user": str(request.user)})


@require_token
def anything(request):
    return JsonResponse({"scope": request.auth.scope})


urlpatterns = [
    path("whoami", whoami),
    path("untouched", untouched),
    path("read", read),
    path("anything", anything),
    path("", include("authhub.urls")),
]
