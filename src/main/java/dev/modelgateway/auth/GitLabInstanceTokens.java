package dev.modelgateway.auth;

import java.text.ParseException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;

/**
 * Tokens a GitLab instance signs for the AI Gateway: {@code Authorization: Bearer <JWT>} with
 * {@code X-Gitlab-Authentication-Type: oidc} (ee/lib/gitlab/ai_gateway.rb headers), verified as the AI Gateway's
 * authentication middleware does (api/middleware/authentication.py through gitlab-cloud-connector): an RS256 signature
 * by a key the instance publishes, not expired, audience {@code gitlab-ai-gateway}. Requests without that header are
 * left to the other checks.
 */
public final class GitLabInstanceTokens implements TokenCheck {

    public static final String AUTH_TYPE_HEADER = "X-Gitlab-Authentication-Type";
    public static final String AUDIENCE = "gitlab-ai-gateway";

    private final GitLabKeys keys;
    private final DefaultJWTClaimsVerifier<SecurityContext> claims =
            new DefaultJWTClaimsVerifier<>(AUDIENCE, null, Set.of("exp"));

    public GitLabInstanceTokens(GitLabKeys keys) {
        this.keys = keys;
    }

    @Override
    public CompletionStage<Verdict> check(String bearer, UnaryOperator<String> headers) {
        if (!"oidc".equalsIgnoreCase(headers.apply(AUTH_TYPE_HEADER))) {
            return CompletableFuture.completedFuture(Verdict.PASS);
        }
        if (bearer == null) {
            return reject("missing bearer token");
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(bearer);
        } catch (ParseException e) {
            return reject("the bearer token is not a signed JWT");
        }
        if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
            return reject("the token is signed with " + jwt.getHeader().getAlgorithm() + ", not RS256");
        }
        String kid = jwt.getHeader().getKeyID();
        return keys.forKeyId(kid).handle((candidates, fetchFailed) -> {
            if (fetchFailed != null) {
                return Verdict.reject("the signing keys of " + keys.gitlabUrl() + " could not be fetched");
            }
            return verify(jwt, kid, candidates);
        });
    }

    private Verdict verify(SignedJWT jwt, String kid, List<JWK> candidates) {
        boolean signed = false;
        for (JWK key : candidates) {
            try {
                if (key instanceof RSAKey rsa && jwt.verify(new RSASSAVerifier(rsa))) {
                    signed = true;
                    break;
                }
            } catch (JOSEException e) {
                // an unusable key: try the next
            }
        }
        if (!signed) {
            return Verdict.reject(candidates.isEmpty()
                    ? "the token's key " + (kid == null ? "" : "'" + kid + "' ") + "is not one "
                            + keys.gitlabUrl() + " publishes"
                    : "the token's signature does not verify against the keys of " + keys.gitlabUrl());
        }
        try {
            claims.verify(jwt.getJWTClaimsSet(), null);
            return Verdict.ACCEPT;
        } catch (BadJWTException e) {
            String why = e.getMessage() == null ? "" : e.getMessage();
            return Verdict.reject(why.contains("aud") ? "the token's audience is not " + AUDIENCE
                    : "the token is not valid here: " + why);
        } catch (ParseException e) {
            return Verdict.reject("the token's claims do not parse");
        }
    }

    private static CompletionStage<Verdict> reject(String reason) {
        return CompletableFuture.completedFuture(Verdict.reject(reason));
    }
}
