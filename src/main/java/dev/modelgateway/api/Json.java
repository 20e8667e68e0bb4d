package dev.modelgateway.api;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one JSON mapper of the API edge: snake_case fields, unknown fields ignored, errors that name the field. */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            // "{...}}}" is not a JSON object followed by nothing: refuse it rather than read its first part
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    /** One reader per request type, made once: readValue(body, Class) would resolve the type on every request. */
    private static final ClassValue<ObjectReader> READERS = new ClassValue<>() {
        @Override
        protected ObjectReader computeValue(Class<?> type) {
            return MAPPER.readerFor(type);
        }
    };

    private Json() {
    }

    /** Parses a request body: 400 when it is not JSON, 422 naming the field when it does not fit the type. */
    public static <T> T read(byte[] body, Class<T> type) {
        if (body == null || body.length == 0) {
            throw GatewayException.badRequest("the request body is empty; send a JSON object with Content-Type: application/json");
        }
        int bad = invalidUtf8At(body);
        if (bad >= 0) {
            // never replaced and passed on: a model would answer a prompt nobody wrote
            throw GatewayException.badRequest("the request body is not valid UTF-8 (byte " + bad + ")");
        }
        try {
            T value = READERS.get(type).readValue(body);
            if (value == null) {
                throw GatewayException.unprocessable("the request body must be a JSON object");
            }
            return value;
        } catch (JsonParseException e) {
            throw GatewayException.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException limit) {
                throw GatewayException.badRequest("malformed JSON: " + limit.getOriginalMessage());
            }
            if (e.getOriginalMessage() != null && e.getOriginalMessage().contains("end-of-input")) {
                throw GatewayException.badRequest("malformed JSON: the body ends in the middle of a value");
            }
            String field = fieldPath(e);
            throw GatewayException.unprocessable(field.isEmpty()
                    ? "the request body must be a JSON object"
                    : "field '" + field + "' has the wrong type");
        } catch (JsonProcessingException e) {
            throw GatewayException.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw GatewayException.badRequest("the request body could not be read");
        }
    }

    /**
     * The offset of the first byte that breaks UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
     * U+10FFFF, no truncated sequence), or -1 when the whole body is valid.
     */
    static int invalidUtf8At(byte[] b) {
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                i++;
                continue;
            }
            int n;
            int min;
            if (c >= 0xc2 && c <= 0xdf) {
                n = 1;
                min = 0x80;
            } else if (c >= 0xe0 && c <= 0xef) {
                n = 2;
                min = 0x800;
            } else if (c >= 0xf0 && c <= 0xf4) {
                n = 3;
                min = 0x10000;
            } else {
                return i;
            }
            if (i + n >= b.length) {
                return i;
            }
            int cp = c & (0x3f >> n);
            for (int k = 1; k <= n; k++) {
                int cc = b[i + k] & 0xff;
                if ((cc & 0xc0) != 0x80) {
                    return i;
                }
                cp = cp << 6 | cc & 0x3f;
            }
            if (cp < min || cp > 0x10ffff || cp >= 0xd800 && cp <= 0xdfff) {
                return i;
            }
            i += n + 1;
        }
        return -1;
    }

    /** Writes JSON straight with Jackson's generator: for the answers of every request, no Map built to be walked. */
    public interface Generated {
        void write(JsonGenerator g) throws IOException;
    }

    public static byte[] generate(Generated body) {
        ByteArrayBuilder out = new ByteArrayBuilder(512);
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
        return out.toByteArray();
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    static String fieldPath(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }
}
