"""The ceiling: the cheapest Django view, served through the same middleware stack."""

from django.http import JsonResponse


def bare(request):
    return JsonResponse({"ok": True})
