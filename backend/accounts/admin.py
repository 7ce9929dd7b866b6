"""Django admin for platform staff: organisations, teams, people, memberships, keys."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.forms import PersonChangeForm, PersonCreationForm
from accounts.models import (
    IdentityProvider,
    IdentityProviderDomain,
    Membership,
    Organisation,
    OrganisationAPIKey,
    Partnership,
    Team,
    User,
)


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation", "team"]
    readonly_fields = ["status"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return Membership.including_pending.select_related("organisation", "team")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    ordering = ["full_name"]
    list_display = ["email", "full_name", "job_title", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    list_filter = ["is_active", "is_staff", "memberships__role"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal details", {"fields": ("full_name", "job_title")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined", "invitation_sent_at")}),
    )
    readonly_fields = ["invitation_sent_at", "last_login"]
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "sector", "second_factor_required"]
    list_filter = ["sector", "second_factor_required"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name", "organisation__name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "role", "organisation", "team", "status"]
    list_filter = ["role", "status", "organisation"]
    search_fields = ["user__email", "user__full_name", "team__name"]
    autocomplete_fields = ["user", "organisation", "team"]
    list_select_related = ["user", "organisation", "team"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        """Platform staff see pending memberships too (the default manager hides them)."""
        return Membership.including_pending.select_related("user", "organisation", "team")


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin[Partnership]):
    list_display = ["name"]
    filter_horizontal = ["organisations", "viewers"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(OrganisationAPIKey)
class OrganisationAPIKeyAdmin(admin.ModelAdmin[OrganisationAPIKey]):
    """Keys are created with a random secret shown once in a message, then only hashed."""

    list_display = ["prefix", "name", "organisation", "scope", "created", "revoked", "revoked_at"]
    list_filter = ["organisation", "scope", "revoked"]
    search_fields = ["name", "prefix", "organisation__name"]
    fields = ["name", "organisation", "scope", "expiry_date", "revoked", "prefix", "created"]
    readonly_fields = ["prefix", "created"]

    def save_model(
        self, request: HttpRequest, obj: OrganisationAPIKey, form: Any, change: bool
    ) -> None:
        if change:
            if obj.revoked and obj.revoked_at is None:
                obj.revoked_at = timezone.now()
            obj.save()
            return
        key = OrganisationAPIKey.objects.assign_key(obj)
        obj.save()
        self.message_user(
            request,
            f"The key for {obj.organisation} is {key} . Copy it now: it is not shown again.",
            level=messages.WARNING,
        )


class IdentityProviderForm(forms.ModelForm[IdentityProvider]):
    """The client secret is write-only: never shown back; left empty, the saved one stays."""

    client_secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Never shown once saved. Leave empty to keep the saved one.",
    )

    class Meta:
        model = IdentityProvider
        fields = [
            "organisation",
            "issuer",
            "client_id",
            "client_secret",
            "creates_people",
            "default_team",
            "password_sign_in",
            "provider_mfa_trusted",
        ]

    def clean_client_secret(self) -> str:
        return str(self.cleaned_data.get("client_secret") or self.instance.client_secret or "")


class IdentityProviderDomainInline(admin.TabularInline[IdentityProviderDomain, IdentityProvider]):
    model = IdentityProviderDomain
    extra = 1


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin[IdentityProvider]):
    """An organisation's single sign-on provider (ADR 0024)."""

    form = IdentityProviderForm
    list_display = ["organisation", "issuer", "client_id", "password_sign_in", "creates_people"]
    autocomplete_fields = ["organisation", "default_team"]
    inlines = [IdentityProviderDomainInline]
