"""A small OpenID Connect provider for the console's sign-in tests: discovery, JWKS, authorize, token.

It signs in whoever the test named last (`provider.next_user = {...claims}`) without asking anything, and
checks what a real provider checks of the code exchange: the client's id and secret, the redirect URI and
that a code is used once. Its ID tokens are RS256 with its own key (not the platform's).
"""
from __future__ import annotations

import json
import secrets
import threading
import time
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify, redirect, request
from werkzeug.serving import make_server

KEY_ID = "test-key-1"


class OidcProvider:
    def __init__(self, client_id: str = "tvp-console", client_secret: str = "s3cret"):
        self.client_id, self.client_secret = client_id, client_secret
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.next_user: dict = {"sub": "ayse.yilmaz", "tvp_role": "platform_admin"}
        self.codes: dict[str, dict] = {}
        self.server = make_server("127.0.0.1", 0, self._app(), threaded=True)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(5)

    def id_token(self, claims: dict, nonce: str | None, audience: str | None = None, issuer: str | None = None):
        now = int(time.time())
        body = {"iss": issuer or self.issuer, "aud": audience or self.client_id, "iat": now, "exp": now + 300,
                **({"nonce": nonce} if nonce else {}), **claims}
        return jwt.encode(body, self.key, algorithm="RS256", headers={"kid": KEY_ID})

    def _app(self) -> Flask:
        app = Flask("oidc-provider")

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(issuer=self.issuer, authorization_endpoint=f"{self.issuer}/authorize",
                           token_endpoint=f"{self.issuer}/token", jwks_uri=f"{self.issuer}/jwks",
                           response_types_supported=["code"], subject_types_supported=["public"],
                           id_token_signing_alg_values_supported=["RS256"],
                           token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"])

        @app.get("/jwks")
        def jwks():
            key = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
            return jsonify(keys=[{**key, "kid": KEY_ID, "use": "sig", "alg": "RS256"}])

        @app.get("/authorize")
        def authorize():
            args = request.args
            if args.get("client_id") != self.client_id or args.get("response_type") != "code":
                return jsonify(error="invalid_request"), 400
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"redirect_uri": args["redirect_uri"], "nonce": args.get("nonce"),
                                "claims": dict(self.next_user)}
            return redirect(f"{args['redirect_uri']}?{urlencode({'code': code, 'state': args.get('state', '')})}")

        @app.post("/token")
        def token():
            auth = request.authorization
            client_id, secret = (auth.username, auth.password) if auth else (
                request.form.get("client_id"), request.form.get("client_secret"))
            if (client_id, secret) != (self.client_id, self.client_secret):
                return jsonify(error="invalid_client"), 401
            grant = self.codes.pop(request.form.get("code", ""), None)
            if grant is None or grant["redirect_uri"] != request.form.get("redirect_uri"):
                return jsonify(error="invalid_grant"), 400
            return jsonify(access_token=secrets.token_urlsafe(16), token_type="Bearer", expires_in=300,
                           id_token=self.id_token(grant["claims"], grant["nonce"]))

        return app
