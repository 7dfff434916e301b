from django.urls import path

from cairn.access.views import account, admin, auth, records

app_name = "access"

urlpatterns = [
    path("sign-in/", auth.SignInView.as_view(), name="sign-in"),
    path("sign-in/verify/", auth.verify, name="verify"),
    path("sign-out/", auth.SignOutView.as_view(), name="sign-out"),
    path("account/", account.account, name="account"),
    path("account/two-factor/", auth.two_factor_enrol, name="two-factor-enrol"),
    path(
        "account/two-factor/recovery-codes/",
        auth.recovery_codes_regenerate,
        name="recovery-codes",
    ),
    path("account/tokens/new/", account.token_create, name="token-create"),
    path("account/tokens/<int:pk>/revoke/", account.token_revoke, name="token-revoke"),
    path("notifications/", account.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", account.notification_read, name="notification-read"),
    path("access/records/<str:label>/<int:pk>/share/", records.share, name="share"),
    path(
        "access/records/<str:label>/<int:pk>/break-glass/",
        records.break_glass,
        name="break-glass",
    ),
    path("access/shares/<int:pk>/revoke/", records.share_revoke, name="share-revoke"),
    path("access/break-glass/", records.break_glass_list, name="break-glass-list"),
    path(
        "access/break-glass/<int:pk>/review/",
        records.break_glass_review,
        name="break-glass-review",
    ),
    path("admin-area/users/", admin.user_list, name="admin-user-list"),
    path("admin-area/users/new/", admin.user_create, name="admin-user-create"),
    path("admin-area/users/<int:pk>/", admin.user_update, name="admin-user-update"),
    path(
        "admin-area/users/<int:pk>/reset-two-factor/",
        admin.user_reset_two_factor,
        name="admin-user-reset-2fa",
    ),
    path("admin-area/organisations/", admin.organisation_list, name="admin-organisation-list"),
    path(
        "admin-area/organisations/<int:pk>/teams/new/",
        admin.team_create,
        name="admin-team-create",
    ),
]
