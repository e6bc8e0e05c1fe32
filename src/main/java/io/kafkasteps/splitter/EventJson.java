package io.kafkasteps.splitter;

import com.fasterxml.jackson.databind.JsonNode;

/** Writes one event as the value of its record: compact UTF-8 JSON with every digit kept. */
public final class EventJson {

    public byte[] bytes(JsonNode event) {
        return Json.bytes(event);
    }
}
