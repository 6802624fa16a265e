from django.urls import path

from . import views

app_name = "data"

urlpatterns = [
    path("data/", views.data_page, name="page"),
    path("data/lsp-directory.zip", views.data_package, name="package"),
]
