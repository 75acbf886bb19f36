"""The API document describes how to authenticate and what errors look like, and the docs page
serves it."""


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


def test_every_error_the_document_declares_is_problem_json(client):
    document = client.get("/api/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    content = response["content"]
                    assert list(content) == ["application/problem+json"], (method, path, status)
                    assert content["application/problem+json"]["schema"] == {
                        "$ref": "#/components/schemas/Problem"
                    }
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_a_body_that_cannot_be_read_is_a_declared_400(client):
    document = client.get("/api/openapi.json").json()
    login = document["paths"]["/api/v1/auth/login"]["post"]
    assert "400" in login["responses"]
    response = client.post(
        "/api/v1/auth/login", content=b"\x80\x81", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
