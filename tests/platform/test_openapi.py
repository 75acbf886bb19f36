"""The API document describes how to authenticate, and the docs page serves it."""


def test_the_api_document_declares_the_password_flow_and_api_keys(client):
    document = client.get("/api/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["OAuth2Password"]["flows"]["password"]["tokenUrl"] == "/api/v1/auth/token"
    assert schemes["ApiKey"] == {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    assert {"OAuth2Password": []} in document["security"]


def test_the_docs_page_answers(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()
