"""The demo product's vocabulary: a collaborative project-management tool ("Taskhive").

Names, weights and plans live here so the simulation reads as behaviour, not as string tables.
"""

from __future__ import annotations

from itertools import accumulate

PLANS = ("free", "team", "business", "enterprise")
PLAN_WEIGHTS = (0.5, 0.3, 0.15, 0.05)
SEAT_PRICE = {"free": 0, "team": 12, "business": 24, "enterprise": 45}
TEAM_SIZE = {"free": (1, 3), "team": (2, 7), "business": (4, 11), "enterprise": (7, 18)}
CHURN_RATE = {"free": 0.35, "team": 0.25, "business": 0.15, "enterprise": 0.08}
TRIAL_CONVERSION = {"team": 0.6, "business": 0.75}
TRIAL_DAYS = 14
PAID_PLANS = ("team", "business", "enterprise")  # upgrades go right, downgrades left
MIN_SEATS = {"team": 3, "business": 5, "enterprise": 10}

ROLES = ("admin", "member", "billing_admin", "viewer")
ROLE_WEIGHTS = (0.15, 0.65, 0.08, 0.12)

INDUSTRIES = (
    "software", "agency", "education", "healthcare", "finance", "retail", "manufacturing",
    "nonprofit", "media", "consulting",
)  # fmt: skip
COMPANY_FIRST = (
    "Blue", "North", "Bright", "Silver", "Quiet", "Rapid", "Green", "Iron", "Lucky", "Open",
    "Clear", "Cedar", "Golden", "Urban", "Polar", "Swift", "Red", "Bold", "Little", "Prime",
)  # fmt: skip
COMPANY_SECOND = (
    "Harbor", "Pixel", "Summit", "Forge", "Orbit", "Meadow", "Bridge", "Signal", "Canyon",
    "Beacon", "Garden", "Ridge", "Atlas", "Vector", "Maple", "Comet", "Lantern", "Delta",
)  # fmt: skip
COMPANY_SUFFIX = ("Labs", "Studio", "Group", "Co", "Works", "Partners", "Systems", "Collective")
FIRST_NAMES = (
    "Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kira",
    "Liam", "Maya", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sam", "Tara", "Umar", "Vera",
    "Wen", "Ximena", "Yusuf", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Adams", "Bauer", "Costa", "Diaz", "Eriksen", "Fischer", "Garcia", "Hughes", "Ito", "Jensen",
    "Kowalski", "Lopez", "Moreau", "Nakamura", "Okafor", "Petrov", "Quinn", "Rossi", "Singh",
    "Tanaka", "Usman", "Varga", "Weber", "Yilmaz", "Zhang",
)  # fmt: skip

# Marketing site, browsed before sign-up (never with a group id).
MARKETING_PAGES = (
    ("Home", "/"), ("Pricing", "/pricing"), ("Features", "/features"), ("Docs", "/docs"),
    ("Blog", "/blog"), ("Customers", "/customers"),
)  # fmt: skip
ANONYMOUS_TRACKS = ("CTA Clicked", "Demo Requested")

# In-app pages (web) and screens (mobile).
APP_PAGES = (
    ("Dashboard", "/app"), ("Project", "/app/projects"), ("Task", "/app/tasks"),
    ("Inbox", "/app/inbox"), ("Reports", "/app/reports"), ("Settings", "/app/settings"),
)  # fmt: skip
APP_PAGE_WEIGHTS = (0.35, 0.25, 0.2, 0.1, 0.05, 0.05)
SCREENS = ("Task List", "Task Detail", "Inbox", "Project Board", "Notifications")

PAGE = "<page>"  # a step of a session that is a page (web) or screen (mobile) view
TASK_CREATED = "Task Created"
TASK_COMPLETED = "Task Completed"
COMMENT_ADDED = "Comment Added"
FILE_UPLOADED = "File Uploaded"
PROJECT_CREATED = "Project Created"
REPORT_EXPORTED = "Report Exported"
INTEGRATION_ENABLED = "Integration Enabled"
INVITE_SENT = "Invite Sent"
INTEGRATIONS = ("Slack", "GitHub", "Google Drive", "Jira", "Zapier", "Figma")
FILE_TYPES = ("pdf", "png", "docx", "xlsx", "zip")

# What a session step is, by role: (name, weight). Viewers and billing admins mostly look.
_STEPS_DOER = (
    (PAGE, 0.30), (TASK_CREATED, 0.20), (TASK_COMPLETED, 0.18), (COMMENT_ADDED, 0.16),
    (FILE_UPLOADED, 0.06), (PROJECT_CREATED, 0.03), (REPORT_EXPORTED, 0.03),
    (INTEGRATION_ENABLED, 0.01), (INVITE_SENT, 0.01),
)  # fmt: skip
_STEPS_LOOKER = ((PAGE, 0.62), (COMMENT_ADDED, 0.25), (REPORT_EXPORTED, 0.13))


def _table(pairs: tuple[tuple[str, float], ...]) -> tuple[tuple[str, ...], list[float]]:
    names = tuple(name for name, _ in pairs)
    total = sum(weight for _, weight in pairs)
    return names, [cum / total for cum in accumulate(weight for _, weight in pairs)]


STEPS_DOER = _table(_STEPS_DOER)
STEPS_LOOKER = _table(_STEPS_LOOKER)
LOOKER_ROLES = frozenset(("viewer", "billing_admin"))

WEB_LIBRARY = {"name": "analytics.js", "version": "5.2.1"}
IOS_LIBRARY = {"name": "analytics-ios", "version": "4.1.8"}
SERVER_LIBRARY = {"name": "analytics-python", "version": "2.3.3"}
USER_AGENTS = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Chrome/126.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/127.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/17.5",
    "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0",
)
LOCALES = ("en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "pt-BR", "ja-JP")
# Local-time offsets (minutes) of devices that write `+02:00`-style timestamps.
OFFSETS = (120, 60, -300, 330, 540, -180)
# Account home time zones (minutes east of UTC): where the working day is.
TIMEZONES = (-480, -300, -240, 0, 60, 60, 120, 330, 540)
# Share of a day's sessions starting in each local hour (a working day with a lunch dip).
HOUR_WEIGHTS = (
    0, 0, 0, 0, 0, 0, 0.2, 0.5, 1.2, 1.6, 1.6, 1.4, 0.9, 1.2, 1.5, 1.5, 1.3, 0.9, 0.6, 0.5,
    0.5, 0.4, 0.2, 0.1,
)  # fmt: skip
HOUR_CUMULATIVE = [cum / sum(HOUR_WEIGHTS) for cum in accumulate(HOUR_WEIGHTS)]
WEEKDAY_FACTOR = (1.0, 1.05, 1.05, 1.0, 0.85, 0.22, 0.18)  # Monday .. Sunday
