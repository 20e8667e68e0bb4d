package dev.modelgateway.config;

/** models.yaml is broken; the message names the file, the entry and the field, and never a secret's value. */
public class ModelCatalogException extends RuntimeException {
    public ModelCatalogException(String message) {
        super(message);
    }
}
