"""Session sign-in and sign-out, from Django's own auth views."""

from django.contrib.auth import views as auth_views


class LoginView(auth_views.LoginView):
    template_name = "oauth_jwt/login.html"
    redirect_authenticated_user = False


class LogoutView(auth_views.LogoutView):
    template_name = "oauth_jwt/logged_out.html"
