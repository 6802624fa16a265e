"""A NUL character in a query string is refused with the 400 page, before any view.

No one types a NUL (a zero byte), no page of ours means one, and PostgreSQL cannot hold one
in text: any view that passes one to a query fails with a 500 there (SQLite would store it
or match nothing). A curator could send one through every list filter of the admin, its
search, its autocomplete and the public list filters; guarding each of those views, Django's
admin and the packages' among them, would be a dozen checks that the next filter forgets.
One guard here covers them all, names as well as values.

Forms are left to Django's forms: every text field already refuses a NUL with a message
beside it and keeps the rest of what was typed (tests/test_report_a_correction.py), which is
kinder than this page. An upload's cells are the import's business (partnerships/formats.py),
and a NUL in the path simply matches no page: the 404 page.
"""

from django.core.exceptions import BadRequest

NUL = "\x00"


class NulGuardMiddleware:
    """Raises BadRequest, which Django answers with templates/400.html."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, values in request.GET.lists():
            if NUL in name or any(NUL in value for value in values):
                raise BadRequest("A NUL character in the query string.")
        return self.get_response(request)
