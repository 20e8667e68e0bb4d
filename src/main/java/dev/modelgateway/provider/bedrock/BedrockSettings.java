package dev.modelgateway.provider.bedrock;

import dev.modelgateway.config.ModelDeployment;

/**
 * Where and as whom a deployment calls Bedrock (contract section 4): region, optional endpoint override (VPC endpoint,
 * emulator, test server) and credentials: static keys (with an optional session token), a named profile, the default
 * chain, any of them optionally used to assume {@code aws_role_name} through STS. Equal settings share one client.
 * {@link #toString()} never shows a secret.
 */
record BedrockSettings(String region, String endpoint, String accessKeyId, String secretAccessKey,
        String sessionToken, String profileName, String roleArn, String roleSessionName, String stsEndpoint) {

    static final String DEFAULT_REGION = "us-east-1";

    static BedrockSettings of(ModelDeployment model) {
        String region = model.firstParam("aws_region_name", "region_name");
        if (region == null) {
            region = System.getenv().getOrDefault("AWS_REGION", System.getenv().getOrDefault("AWS_DEFAULT_REGION",
                    DEFAULT_REGION));
        }
        return new BedrockSettings(region, model.firstParam("aws_bedrock_runtime_endpoint", "api_base"),
                model.firstParam("aws_access_key_id"), model.firstParam("aws_secret_access_key"),
                model.firstParam("aws_session_token"), model.firstParam("aws_profile_name"),
                model.firstParam("aws_role_name"), model.firstParam("aws_session_name"),
                model.firstParam("aws_sts_endpoint"));
    }

    boolean staticKeys() {
        return accessKeyId != null && secretAccessKey != null;
    }

    /** How the credentials are obtained, for logs and errors. */
    String credentialsSource() {
        String base = staticKeys() ? "static keys" : profileName != null ? "profile " + profileName
                : "the default credentials chain";
        return roleArn == null ? base : base + ", assuming " + roleArn;
    }

    @Override
    public String toString() {
        return "Bedrock[" + region + (endpoint == null ? "" : " via " + endpoint) + ", " + credentialsSource() + "]";
    }
}
