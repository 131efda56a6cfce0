package dev.zooterj.gateway.collect;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt with {@code {name}} placeholders, filled in one pass: a query that itself contains {@code {response}} is
 * sent as written, never substituted again. Braces that do not name a placeholder (JSON examples in the prompt) stay as
 * they are.
 */
public final class PromptTemplate {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");

    private final String text;
    private final Set<String> names;

    /**
     * @param names the placeholders this template may use; each of {@code required} must appear
     * @throws IllegalArgumentException naming a missing placeholder
     */
    public PromptTemplate(String text, List<String> names, List<String> required) {
        this.text = text;
        this.names = new LinkedHashSet<>(names);
        for (String r : required) {
            if (!text.contains("{" + r + "}")) {
                throw new IllegalArgumentException("has no {" + r + "} placeholder (needs " + String.join(", ",
                        required.stream().map(n -> "{" + n + "}").toList()) + ")");
            }
        }
    }

    public String text() {
        return text;
    }

    public String render(Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 256);
        while (m.find()) {
            String name = m.group(1);
            String value = names.contains(name) ? values.get(name) : null;
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
