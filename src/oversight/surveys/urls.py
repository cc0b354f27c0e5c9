from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("surveys/", views.survey_list, name="list"),
    path("surveys/new/", views.survey_new, name="new"),
    path("surveys/<int:pk>/respond/", views.survey_respond_page, name="respond"),
    path("surveys/<int:pk>/results/", views.survey_results, name="results"),
    path("surveys/<int:pk>/close/", views.survey_close_page, name="close"),
    path("records/<int:pk>/feedback/", views.record_feedback, name="record_feedback"),
]
