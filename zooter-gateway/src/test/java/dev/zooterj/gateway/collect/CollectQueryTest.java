package dev.zooterj.gateway.collect;

import dev.zooterj.core.data.ChatMessage;
import dev.zooterj.data.DatasetFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CollectQueryTest {
    @TempDir
    Path dir;

    @Test
    void readsTagsMessagesSubsetAndSplit() throws IOException {
        Path f = dir.resolve("q.jsonl");
        Files.writeString(f, """
                {"id": "q1", "query": "Write a SQL join", "tags": ["sql"], "subset": "coding", "split": "train"}

                {"id": 7, "instruction": "Name three rivers"}
                {"id": "q3", "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}, {"role": "user", "content": "Bye"}]}
                """);
        List<CollectQuery> qs = CollectQuery.read(f);
        assertEquals(3, qs.size());
        assertEquals(new CollectQuery("q1", "Write a SQL join", null, List.of("sql"), "coding", "train"), qs.get(0));
        assertEquals("7", qs.get(1).id());
        assertEquals(List.of(), qs.get(1).tags());
        CollectQuery chat = qs.get(2);
        assertEquals("Hi", chat.text());
        assertEquals(4, chat.messages().size());
        assertEquals("[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"}]",
                chat.requestMessages().toString(), "turns up to the first user turn");
        assertEquals("[{\"role\":\"user\",\"content\":\"Write a SQL join\"}]", qs.get(0).requestMessages().toString());
        assertNull(qs.get(1).messages());
    }

    @Test
    void badRowsNameTheFileLineAndField() throws IOException {
        Path f = dir.resolve("q.jsonl");
        Files.writeString(f, "{\"id\": \"q1\", \"query\": \"a\"}\n{\"id\": \"q2\", \"text\": \"b\"}\n");
        assertEquals(f + ":2: field 'query': missing or empty: expected a non-empty string (or 'messages')",
                assertThrows(DatasetFormatException.class, () -> CollectQuery.read(f)).getMessage());
        Files.writeString(f, "{\"id\": \"q1\", \"query\": \"a\"}\n\n{\"id\": \"q2\", \"query\": \"b\", \"tags\": [\"x\", 3]}\n");
        assertEquals(f + ":3: field 'tags[1]': expected a non-empty string, got 3",
                assertThrows(DatasetFormatException.class, () -> CollectQuery.read(f)).getMessage());
        Files.writeString(f, "{\"id\": \"q1\", \"query\": \"a\", \"tags\": \"x\"}\n");
        assertEquals(f + ":1: field 'tags': expected a list of strings, got STRING",
                assertThrows(DatasetFormatException.class, () -> CollectQuery.read(f)).getMessage());
    }

    @Test
    void hashesFollowWhatIsSent() {
        CollectQuery a = CollectQuery.of("q1", "hello");
        assertEquals(a.hash(), CollectQuery.of("other-id", "hello").hash());
        assertNotEquals(a.hash(), CollectQuery.of("q1", "hello!").hash());
        CollectQuery withSystem = new CollectQuery("q1", "hello", List.of(new ChatMessage("system", "x"),
                new ChatMessage("user", "hello")), List.of(), null, null);
        assertNotEquals(a.hash(), withSystem.hash(), "a system prompt changes what the candidates answer");
        assertEquals(CollectQuery.fingerprint(List.of(a)), CollectQuery.fingerprint(List.of(CollectQuery.of("q1", "hello"))));
        assertNotEquals(CollectQuery.fingerprint(List.of(a)), CollectQuery.fingerprint(List.of(CollectQuery.of("q2", "hello"))));
    }
}
