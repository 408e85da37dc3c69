from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenAdmin as DrfTokenAdmin
from rest_framework.authtoken.models import TokenProxy
from simple_history.admin import SimpleHistoryAdmin

from minsheng.api.tokens import token_expires_at, token_is_expired, token_revoke

from .models import Area, Department, Membership
from .roles import ALL_GROUPS, is_coordinator

User = get_user_model()


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "contact_person", "phone", "active", "lead_count"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "short_name", "contact_person"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(lead_count=Count("led_projects"))

    @admin.display(description=_("projects led"), ordering="lead_count")
    def lead_count(self, obj):
        return obj.lead_count


@admin.register(Area)
class AreaAdmin(SimpleHistoryAdmin):
    list_display = ["order", "name", "kind"]
    list_display_links = ["name"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "department", "role"]
    list_filter = ["role", "department"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "department__name"]
    list_select_related = ["user", "department"]
    autocomplete_fields = ["user", "department"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["department"]


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users for the coordinating office: roles and departments, never superuser powers."""

    inlines = [MembershipInline]
    list_display = [
        "username",
        "last_name",
        "first_name",
        "email",
        "is_active",
        "is_staff",
        "roles",
    ]
    list_filter = ["is_active", "is_staff", "groups"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return "、".join(group.name for group in obj.groups.all())

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions", "last_login", "date_joined"]
        return readonly

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=ALL_GROUPS)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _touches_superuser(self, request, obj) -> bool:
        return obj is not None and obj.is_superuser and not request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        if self._touches_superuser(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._touches_superuser(request, obj) or (obj is not None and obj.pk == request.user.pk):
            return False
        return super().has_delete_permission(request, obj)


admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class ApiTokenAdmin(DrfTokenAdmin):
    """The staff's API tokens, for the coordinating office to see and revoke.

    Never their keys (a key signs in as its holder) and never a new one: a token is issued
    only for its holder's password, through the API. Revoking is deleting.
    """

    list_display = ["user", "user_full_name", "created", "expires", "state"]
    list_select_related = ["user"]
    fields = ["user", "created", "expires", "state"]
    readonly_fields = fields

    def _allowed(self, request) -> bool:
        return is_coordinator(request.user)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("full name"))
    def user_full_name(self, obj):
        return obj.user.get_full_name()

    @admin.display(description=_("expires at"))
    def expires(self, obj):
        return token_expires_at(obj)

    @admin.display(description=_("state"))
    def state(self, obj):
        return _("expired") if token_is_expired(obj) else _("valid")

    def get_object(self, request, object_id, from_field=None):
        token = super().get_object(request, object_id, from_field)
        if token is not None:
            # A token's text is its key: the view and delete pages, their titles and the
            # admin's log name it by its holder instead. Revoking goes by the holder too.
            token.key = token.user.get_username()
        return token

    def delete_model(self, request, obj):
        token_revoke(user=obj.user, by=request.user)
