package dev.modelgateway.provider;

/** A piece of a user turn: text, or an image (inline base64 data with its media type, or an https URL). */
public record ContentPart(String text, Image image) {

    /** An image: {@code data} (base64) with {@code mediaType}, or a {@code url}; exactly one of the two. */
    public record Image(String mediaType, String data, String url) {

        public boolean inline() {
            return data != null;
        }
    }

    public static ContentPart text(String text) {
        return new ContentPart(text, null);
    }

    public static ContentPart image(Image image) {
        return new ContentPart(null, image);
    }
}
