package io.kafkasteps.splitter;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One event of a batch: its JSON tree (for the key path) and the value of its record, written as
 * compact UTF-8 JSON when the batch was read, so an event that cannot be written fails the whole
 * batch before anything is sent.
 */
public record Event(JsonNode json, byte[] value) {
}
