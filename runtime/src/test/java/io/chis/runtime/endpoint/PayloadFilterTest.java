package io.chis.runtime.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chis.runtime.endpoint.PayloadFilter.InvalidFilterException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

class PayloadFilterTest {

    private static final JsonNode ORDER = PayloadFilter.readPayload("""
            {"amount": 150, "currency": "EUR", "paid": true, "note": null, "ratio": 0.5,
             "customer": {"id": "cus_42", "tier": "gold", "tags": ["vip", "eu"]},
             "items": [{"sku": "A-1", "qty": 2}, {"sku": "B-7", "qty": 1}],
             "placedAt": "2026-03-01T10:00:00Z"}""".getBytes(StandardCharsets.UTF_8));

    private static boolean matches(String filter) {
        return PayloadFilter.parse(filter).matches("order.created", ORDER);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {}                                                         | true
            {"payload.currency": "EUR"}                                | true
            {"payload.currency": "USD"}                                | false
            {"payload.amount": 150.0}                                  | true
            {"payload.paid": true}                                     | true
            {"payload.note": null}                                     | true
            {"payload.missing": null}                                  | false
            {"payload.customer.tags": ["vip", "eu"]}                   | true
            {"payload.customer.tags": ["eu", "vip"]}                   | false
            {"payload.items.0": {"sku": "A-1", "qty": 2}}               | true
            {"payload.items.0.sku": "A-1"}                             | true
            {"payload.items.1.sku": "A-1"}                             | false
            {"payload.items.9.sku": "A-1"}                             | false
            {"payload.items.x": "A-1"}                                 | false
            {"payload.amount.deeper": 1}                               | false
            {"eventType": "order.created"}                             | true
            {"eventType": {"$prefix": "order."}}                       | true
            {"eventType": {"$prefix": "user."}}                        | false
            {"payload.amount": {"$eq": 150}}                           | true
            {"payload.amount": {"$ne": 150}}                           | false
            {"payload.amount": {"$ne": 151}}                           | true
            {"payload.missing": {"$ne": 1}}                            | true
            {"payload.amount": {"$gt": 149}}                           | true
            {"payload.amount": {"$gt": 150}}                           | false
            {"payload.amount": {"$gte": 150}}                          | true
            {"payload.amount": {"$lt": 150}}                           | false
            {"payload.amount": {"$lte": 150}}                          | true
            {"payload.ratio": {"$gt": 0.25, "$lt": 0.75}}              | true
            {"payload.amount": {"$gt": "100"}}                         | false
            {"payload.missing": {"$lt": 1}}                            | false
            {"payload.placedAt": {"$gte": "2026-03-01T00:00:00Z"}}     | true
            {"payload.placedAt": {"$lt": "2026-02-01T00:00:00Z"}}      | false
            {"payload.currency": {"$in": ["EUR", "USD"]}}              | true
            {"payload.currency": {"$in": ["GBP"]}}                     | false
            {"payload.missing": {"$in": [null]}}                       | false
            {"payload.currency": {"$nin": ["GBP", "USD"]}}             | true
            {"payload.currency": {"$nin": ["EUR"]}}                    | false
            {"payload.missing": {"$nin": ["EUR"]}}                     | true
            {"payload.customer.id": {"$exists": true}}                 | true
            {"payload.customer.email": {"$exists": true}}              | false
            {"payload.customer.email": {"$exists": false}}             | true
            {"payload.note": {"$exists": true}}                        | true
            {"payload.customer.id": {"$prefix": "cus_"}}               | true
            {"payload.amount": {"$prefix": "1"}}                       | false
            {"payload.amount": {"$not": {"$lt": 100}}}                 | true
            {"payload.amount": {"$not": {"$gte": 100}}}                | false
            {"payload.missing": {"$not": {"$eq": 1}}}                  | true
            {"payload.amount": {"$gte": 100}, "payload.currency": {"$in": ["EUR", "USD"]}} | true
            {"payload.amount": {"$gte": 100}, "payload.currency": "USD"} | false
            {"$and": [{"payload.paid": true}, {"payload.customer.tier": "gold"}]} | true
            {"$and": [{"payload.paid": true}, {"payload.customer.tier": "silver"}]} | false
            {"$or": [{"payload.currency": "USD"}, {"payload.customer.tier": "gold"}]} | true
            {"$or": [{"payload.currency": "USD"}, {"payload.amount": {"$lt": 10}}]} | false
            {"$or": [{"$and": [{"payload.paid": false}]}, {"payload.items.1.qty": {"$in": [1, 3]}}]} | true
            """)
    void evaluates(String filter, boolean expected) {
        assertThat(matches(filter)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            []                                          | filter must be a JSON object
            {"payload.a": 1                             | filter is not valid JSON
            {"amount": 1}                               | path 'amount' must be eventType or start with payload
            {"payload..a": 1}                           | path 'payload..a' has an empty segment
            {"payload.a": {"$gt": true}}                | path 'payload.a': $gt takes a number or a string
            {"payload.a": {"$in": "EUR"}}               | path 'payload.a': $in takes an array of values
            {"payload.a": {"$nin": 1}}                  | path 'payload.a': $nin takes an array of values
            {"payload.a": {"$exists": "yes"}}           | path 'payload.a': $exists takes true or false
            {"payload.a": {"$prefix": 1}}               | path 'payload.a': $prefix takes a string
            {"payload.a": {"$not": 1}}                  | path 'payload.a': $not takes an operator document
            {"payload.a": {"$regex": "x"}}              | path 'payload.a': unknown operator $regex
            {"payload.a": {"$gt": 1, "b": 2}}           | path 'payload.a': an object mixes operators
            {"$and": {"payload.a": 1}}                  | $and takes a non-empty array of filter documents
            {"$or": []}                                 | $or takes a non-empty array of filter documents
            {"$or": [1]}                                | $or takes an array of filter documents
            {"$eq": 1}                                  | '$eq' is not allowed at the top of a filter document
            """)
    void refusesAnInvalidFilterNamingWhatIsWrong(String filter, String message) {
        assertThatThrownBy(() -> PayloadFilter.parse(filter))
                .isInstanceOf(InvalidFilterException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void refusesFiltersTooLargeOrTooDeep() {
        String deep = "{\"$and\":[".repeat(10) + "{\"payload.a\":1}" + "]}".repeat(10);
        assertThatThrownBy(() -> PayloadFilter.parse(deep)).hasMessageContaining("nests deeper than");
        String big = "{\"payload.a\":{\"$in\":[" + "\"xxxxxxxxxx\",".repeat(1000) + "\"x\"]}}";
        assertThatThrownBy(() -> PayloadFilter.parse(big)).hasMessageContaining("larger than");
    }

    @Test
    void aPayloadThatIsNotAnObjectOrNotJsonFindsNoPaths() {
        PayloadFilter filter = PayloadFilter.parse("{\"payload.a\": {\"$exists\": false}}");
        assertThat(filter.matches("t", PayloadFilter.readPayload("[1,2]".getBytes(StandardCharsets.UTF_8))))
                .isTrue();
        assertThat(filter.matches("t", PayloadFilter.readPayload("not json".getBytes(StandardCharsets.UTF_8))))
                .isTrue();
        assertThat(PayloadFilter.parse("{\"payload\": [1, 2]}")
                        .matches("t", PayloadFilter.readPayload("[1,2.0]".getBytes(StandardCharsets.UTF_8))))
                .isTrue();
    }

    @Test
    void keepsTheDocumentAsWritten() {
        assertThat(PayloadFilter.parse("{ \"payload.a\" : { \"$gte\" : 1.50 } }")
                        .json())
                .isEqualTo("{\"payload.a\":{\"$gte\":1.50}}");
    }
}
