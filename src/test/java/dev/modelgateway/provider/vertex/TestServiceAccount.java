package dev.modelgateway.provider.vertex;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import com.fasterxml.jackson.databind.ObjectMapper;

/** A service-account key generated per test run (fresh RSA key) whose token_uri points at a local test server. */
public final class TestServiceAccount {

    static final String EMAIL = "gateway-test@my-project.iam.gserviceaccount.com";

    private TestServiceAccount() {
    }

    static String json(String tokenUri) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            return new ObjectMapper().createObjectNode()
                    .put("type", "service_account")
                    .put("project_id", "my-project")
                    .put("private_key_id", "test-key-id")
                    .put("private_key", pem)
                    .put("client_email", EMAIL)
                    .put("client_id", "1234567890")
                    .put("token_uri", tokenUri)
                    .toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes a fresh key to a temporary file, deleted on exit. */
    public static Path file(String tokenUri) {
        try {
            Path file = Files.createTempFile("sa-key-", ".json");
            file.toFile().deleteOnExit();
            Files.writeString(file, json(tokenUri));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
