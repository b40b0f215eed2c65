def navigation(request):
    """Role-aware navigation for the page shell (filled in by kopdes.web.nav)."""
    from kopdes.web.nav import build_navigation

    return build_navigation(request)
