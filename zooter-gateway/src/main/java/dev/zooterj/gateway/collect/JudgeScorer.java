package dev.zooterj.gateway.collect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.gateway.backend.Backend;
import dev.zooterj.gateway.http.BackendClient;
import dev.zooterj.gateway.http.BackendException;
import dev.zooterj.gateway.http.Completion;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAI-compatible chat model as the reward model. The prompt template (placeholders {@code {query}} and
 * {@code {response}}) is sent as one user message, and the score is read from the reply by the first rule that
 * applies:
 * <ol>
 *   <li>the last {@code [[N]]} in the reply (MT-Bench's judge format, e.g. "Rating: [[7]]");</li>
 *   <li>a reply that is a JSON object with a numeric {@code "score"};</li>
 *   <li>a reply that is just a number (a trailing period allowed);</li>
 *   <li>the last line that starts with {@code Score:} or {@code Rating:} followed by a number ("Score: 7/10" reads 7).</li>
 * </ol>
 * The score must be finite and within the declared {@code [min, max]}. A reply with no score, or one out of range,
 * is an {@link InvalidOutputException}: counted, and retried like a transient failure.
 */
public final class JudgeScorer implements RewardScorer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NUMBER = "(-?\\d+(?:\\.\\d+)?)";
    private static final Pattern BRACKETED = Pattern.compile("\\[\\[\\s*" + NUMBER + "\\s*]]");
    private static final Pattern BARE = Pattern.compile("\\s*" + NUMBER + "\\s*\\.?\\s*");
    private static final Pattern LABELLED = Pattern.compile("(?im)^[\\s*#]*(?:score|rating)[\\s*]*[:=][\\s*]*" + NUMBER);

    private final BackendClient client;
    private final Backend judge;
    private final PromptTemplate template;
    private final double min;
    private final double max;
    private final double temperature;
    private final int maxTokens;

    public JudgeScorer(BackendClient client, Backend judge, PromptTemplate template, double min, double max,
                       double temperature, int maxTokens) {
        if (!(min < max) || Double.isInfinite(min) || Double.isInfinite(max)) {
            throw new IllegalArgumentException("need finite min < max, got [" + min + ", " + max + "]");
        }
        this.client = client;
        this.judge = judge;
        this.template = template;
        this.min = min;
        this.max = max;
        this.temperature = temperature;
        this.maxTokens = maxTokens;
    }

    @Override
    public Score score(String query, String answer) throws BackendException, InvalidOutputException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("messages").addObject().put("role", "user")
                .put("content", template.render(Map.of("query", query, "response", answer)));
        body.put("temperature", temperature);
        body.put("max_tokens", maxTokens);
        Completion c = client.complete(judge, body);
        return new Score(parseScore(c.content(), min, max), c.content());
    }

    /** The score in a judge's reply, by the rules above. */
    public static double parseScore(String reply, double min, double max) throws InvalidOutputException {
        Double v = find(reply);
        if (v == null) {
            throw new InvalidOutputException("judge reply has no score (expected [[N]], {\"score\": N}, a bare number "
                    + "or a line 'Score: N'): \"" + shorten(reply) + "\"");
        }
        if (!Double.isFinite(v) || v < min || v > max) {
            throw new InvalidOutputException("judge score " + format(v) + " is outside [" + format(min) + ", "
                    + format(max) + "]");
        }
        return v;
    }

    private static Double find(String reply) {
        Matcher m = BRACKETED.matcher(reply);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        if (last != null) {
            return Double.parseDouble(last);
        }
        String t = reply.strip();
        if (t.startsWith("{")) {
            try {
                JsonNode n = JSON.readTree(t);
                if (n != null && n.path("score").isNumber()) {
                    return n.get("score").asDouble();
                }
            } catch (IOException ignored) {
                // not JSON after all; the other rules may still apply
            }
        }
        m = BARE.matcher(t);
        if (m.matches()) {
            return Double.parseDouble(m.group(1));
        }
        m = LABELLED.matcher(reply);
        while (m.find()) {
            last = m.group(1);
        }
        return last == null ? null : Double.parseDouble(last);
    }

    static String shorten(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > 80 ? one.substring(0, 80) + "..." : one;
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%s", v);
    }

    @Override
    public String identity() {
        return "judge model=" + judge.model() + " prompt=" + CollectQuery.hash(template.text()) + " range=[" + format(min)
                + "," + format(max) + "] temperature=" + temperature + " max_tokens=" + maxTokens;
    }

    /** A reward outside the judge's declared {@code [min, max]} (or not finite) is one it could not have given. */
    @Override
    public String rewardProblem(double reward) {
        return Double.isFinite(reward) && reward >= min && reward <= max ? null
                : format(reward) + " is outside the judge's range [" + format(min) + ", " + format(max) + "]";
    }

    @Override
    public int maxConcurrent() {
        return judge.maxConcurrent();
    }

    @Override
    public void checkReady() {
        judge.apiKey();
    }

    public Backend backend() {
        return judge;
    }

    /** The same judge on another backend (the same one with a lower concurrency limit). */
    JudgeScorer withBackend(Backend b) {
        return new JudgeScorer(client, b, template, min, max, temperature, maxTokens);
    }

    @Override
    public String toString() {
        return "judge " + judge.name() + " (" + judge.model() + ", scores " + format(min) + ".." + format(max) + ")";
    }
}
