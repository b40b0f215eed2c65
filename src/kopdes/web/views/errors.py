from django.shortcuts import render


def _page(request, status: int, template: str):
    return render(request, template, status=status)


def bad_request(request, exception=None):
    return _page(request, 400, "web/errors/400.html")


def permission_denied(request, exception=None):
    return _page(request, 403, "web/errors/403.html")


def page_not_found(request, exception=None):
    return _page(request, 404, "web/errors/404.html")


def server_error(request):
    return _page(request, 500, "web/errors/500.html")
