def build_navigation(request) -> dict:
    return {}
