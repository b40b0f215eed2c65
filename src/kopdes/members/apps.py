from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "kopdes.members"
    label = "members"
    default_auto_field = "django.db.models.BigAutoField"
