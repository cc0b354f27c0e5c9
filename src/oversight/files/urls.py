from django.urls import path

from . import views

app_name = "files"
urlpatterns = [
    path("people/<int:pk>/file/", views.file_index, name="index"),
    path("people/<int:pk>/file/new/<slug:kind_id>/", views.item_new, name="new"),
    path("people/<int:pk>/file/items/<int:item_pk>/", views.item_detail, name="item"),
    path("people/<int:pk>/file/items/<int:item_pk>/edit/", views.item_edit, name="edit"),
    path("people/<int:pk>/file/items/<int:item_pk>/review/", views.item_review, name="review"),
    path("people/<int:pk>/file/items/<int:item_pk>/steps/<slug:step_id>/", views.item_step, name="step"),
    path("people/<int:pk>/file/items/<int:item_pk>/history/<int:version>/", views.item_version, name="version"),
]
