from partnerships.models import Partnership


def site(request):
    """Whether any demo records exist, so every page can say so plainly."""
    return {"showing_demo_data": Partnership.objects.filter(is_demo=True).exists()}
