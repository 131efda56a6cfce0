package dev.zooterj.data.sim;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The words queries are made of: per domain, request templates with a {@code {topic}} slot and topic noun
 * phrases to fill it, each carrying one fine-grained InsTag-style tag; plus shared closing instructions
 * whose tags cut across domains.
 *
 * <p>Topics are noun phrases, so that another domain's topic fits the templates that take any topic: a mixed
 * query such as "Write a short poem about a race condition between two threads" is a writing request on a
 * coding topic.
 * Several templates (explain, compare, list tips) recur in similar wording across domains on purpose, so
 * that no single keyword gives the domain away.
 */
final class QueryVocabulary {
    static final String TOPIC_SLOT = "{topic}";

    /** A piece of query text and the tag it contributes. */
    record Phrase(String tag, String text) {
    }

    /**
     * What one domain's queries are made of.
     *
     * @param anyTopicTemplates requests that read naturally with any domain's topic ("Write a short poem about
     *                          {topic}"); mixed queries use only these
     * @param ownTopicTemplates requests that only make sense with this domain's topics ("Solve this carefully:
     *                          {topic}")
     * @param topics            this domain's topics
     */
    record DomainWords(List<Phrase> anyTopicTemplates, List<Phrase> ownTopicTemplates, List<Phrase> topics) {
        List<Phrase> allTemplates() {
            List<Phrase> all = new ArrayList<>(anyTopicTemplates);
            all.addAll(ownTopicTemplates);
            return all;
        }
    }

    private static final Map<Domain, DomainWords> WORDS = buildWords();

    // Appended to some queries; their tags are shared by all domains.
    private static final List<Phrase> CLOSINGS = phrases(
            "step-by-step explanation | Please explain step by step.",
            "conciseness | Keep the answer under 100 words.",
            "beginner friendly | Assume I am a complete beginner.",
            "examples | Include a concrete example.",
            "friendly tone | Answer in a warm and friendly tone.");

    private QueryVocabulary() {
    }

    static DomainWords words(Domain domain) {
        return WORDS.get(domain);
    }

    static List<Phrase> closings() {
        return CLOSINGS;
    }

    /** Every tag a query can carry, in a fixed order (domain by domain, then the shared ones). */
    static List<String> allTags() {
        Set<String> tags = new LinkedHashSet<>();
        for (Domain d : Domain.values()) {
            WORDS.get(d).allTemplates().forEach(p -> tags.add(p.tag()));
            WORDS.get(d).topics().forEach(p -> tags.add(p.tag()));
        }
        CLOSINGS.forEach(p -> tags.add(p.tag()));
        return List.copyOf(tags);
    }

    private static Map<Domain, DomainWords> buildWords() {
        Map<Domain, DomainWords> w = new EnumMap<>(Domain.class);
        w.put(Domain.CODING, new DomainWords(
                phrases("scripting | Write a small Python script that quizzes me on {topic}."),
                phrases("code generation | Write code that demonstrates {topic} and comment the tricky parts.",
                        "debugging | My program misbehaves when dealing with {topic}. What is likely wrong and how do I fix it?",
                        "code review | Review my approach to {topic} and suggest improvements to speed and readability.",
                        "complexity analysis | What is the time complexity of {topic}, and can it be done faster?",
                        "code explanation | Explain {topic} to a junior developer with a short snippet."),
                phrases("algorithms | binary search over a sorted array",
                        "sql | SQL joins across an orders table and a customers table",
                        "java | a memory leak in a long-running Java service",
                        "python | parsing nested JSON files in Python",
                        "javascript | state updates in a React component",
                        "concurrency | a race condition between two threads",
                        "regex | regular expressions that validate email addresses",
                        "devops | shrinking a Docker image for a web app",
                        "recursion | recursion and the call stack",
                        "unit testing | unit tests for a date parser",
                        "data analysis | pandas dataframes with missing values")));
        w.put(Domain.MATH, new DomainWords(
                phrases("tutoring | A student is stuck on {topic}. Give a clear worked answer.",
                        "problem creation | Make up a short word problem about {topic} and solve it."),
                phrases("problem solving | Solve this carefully: {topic}.",
                        "calculation | Compute {topic} and show your work.",
                        "proof | Explain why the standard result about {topic} holds, with a short proof.",
                        "error checking | I got 42 for {topic}. Is that right? Point out any mistake."),
                phrases("arithmetic | the sum of the first 100 odd numbers",
                        "algebra | solving 3x + 7 = 22 for x",
                        "probability | the chance of rolling two sixes with two dice",
                        "calculus | the derivative of x^3 times sin x",
                        "geometry | the area of a triangle with sides 5, 12 and 13",
                        "word problem | a train that travels 180 km in 2.5 hours",
                        "number theory | the prime factors of 360",
                        "financial math | compound interest on 2,000 dollars at 5 percent for 3 years",
                        "linear algebra | the eigenvalues of a 2 by 2 matrix",
                        "statistics | the mean and median of 4, 8, 15, 16, 23 and 42")));
        w.put(Domain.WRITING, new DomainWords(
                phrases("poem | Write a short poem about {topic}.",
                        "email writing | Draft a polite professional email about {topic}.",
                        "story writing | Write a 150-word story that begins with {topic}.",
                        "copywriting | Come up with a catchy slogan and tagline for {topic}.",
                        "editing | Rewrite my paragraph about {topic} so it sounds more formal and clear.",
                        "blog writing | Write an engaging blog post introduction on {topic}."),
                List.of(),
                phrases("descriptive writing | a rainy afternoon in Lisbon",
                        "personal narrative | the first day at a new job",
                        "marketing | the launch of a solar-powered backpack",
                        "fiction | a friendship that ended without an explanation",
                        "nature writing | autumn leaves falling in a quiet park",
                        "gratitude | thanking a mentor who changed my career",
                        "apology | a delayed delivery to an important client",
                        "event announcement | a neighbourhood book swap next Saturday",
                        "humor | a cat that refuses to get off the keyboard",
                        "travel writing | a night train across the Alps")));
        w.put(Domain.KNOWLEDGE, new DomainWords(
                phrases("factual qa | What do you know about {topic}?",
                        "fact listing | Give me three key facts about {topic}.",
                        "summarization | Summarise what experts generally agree on regarding {topic}.",
                        "multiple choice | Which statement best describes {topic}? Give options A to D and pick one.",
                        "quiz preparation | I have a quiz tomorrow. Tell me about {topic} in a few sentences."),
                List.of(),
                phrases("geography | the capital of Australia and why it was chosen",
                        "health | how vaccines train the immune system",
                        "nutrition | the symptoms of vitamin D deficiency",
                        "sports | the basic rules of cricket",
                        "biology | the difference between a virus and a bacterium",
                        "personal finance | how credit scores are calculated",
                        "economics | how inflation affects savings",
                        "inventions | who invented the telephone",
                        "law | how a bill becomes a law in the United States",
                        "pop culture | the origins of the Eurovision Song Contest")));
        w.put(Domain.ROLEPLAY, new DomainWords(
                phrases("persona | Act as a tour guide who is obsessed with {topic} and welcome me aboard."),
                phrases("character roleplay | Pretend you are {topic} and introduce yourself to me.",
                        "in-character dialogue | Stay in character as {topic} and tell me about your day.",
                        "scenario simulation | Role-play a conversation where you are {topic} and I am a newcomer.",
                        "emotional roleplay | Imagine you are {topic}. How would you react to some bad news?",
                        "interactive fiction | Let's play a game: you are {topic} and I have just walked in."),
                phrases("medieval setting | a grumpy medieval blacksmith",
                        "pirates | a pirate captain negotiating a truce",
                        "customer service | a customer support agent for a bank",
                        "detective | a detective in 1920s Chicago",
                        "famous character | Sherlock Holmes on a quiet evening",
                        "science fiction | a friendly alien visiting Earth for the first time",
                        "interview simulation | a tough job interviewer at a startup",
                        "wellness | a calm yoga instructor",
                        "tabletop games | a game master running a fantasy campaign",
                        "space exploration | a nervous first-time astronaut")));
        w.put(Domain.REASONING, new DomainWords(
                phrases("argument analysis | Find the flaw, if any, in this argument about {topic}.",
                        "counterfactual | What would change if we altered one assumption in {topic}?"),
                phrases("logic puzzle | Think carefully and solve the puzzle about {topic}.",
                        "riddle | Here is a riddle involving {topic}. What is the answer and why?",
                        "deduction | Walk through the logic of {topic} one step at a time."),
                phrases("mislabeled items | three boxes that are all labelled incorrectly",
                        "knights and knaves | a knight and a knave guarding two doors",
                        "ordering | the order in which five runners finished a race",
                        "calendar | a calendar question about leap years and weekdays",
                        "syllogism | whether all roses fade if some flowers fade",
                        "planning | a river crossing with a wolf, a goat and a cabbage",
                        "combinatorics | how many handshakes happen among ten people",
                        "pattern recognition | the sequence 2, 6, 12, 20 and what comes next",
                        "scheduling | a conflict among four meetings in one afternoon",
                        "causal reasoning | why the grass is wet if it did not rain")));
        w.put(Domain.EXTRACTION, new DomainWords(
                phrases("bullet summary | Summarise {topic} in three bullet points."),
                phrases("information extraction | Extract all names, dates and amounts from {topic} and return them as JSON.",
                        "sentiment classification | Classify the sentiment of {topic} as positive, neutral or negative.",
                        "table formatting | Turn {topic} into a table with one row per item.",
                        "action items | List the key action items found in {topic}."),
                phrases("reviews | a restaurant review that mentions prices and dishes",
                        "job posting | a job posting for a data engineer",
                        "news | a news article about a company merger",
                        "medical records | a hospital discharge note",
                        "invoices | an invoice from an office supplier",
                        "meeting notes | the transcript of a weekly team meeting",
                        "product description | a product page for wireless headphones",
                        "scientific text | the abstract of a paper on sleep and memory",
                        "travel booking | a flight confirmation email",
                        "customer feedback | a list of customer complaints from last month")));
        w.put(Domain.STEM, new DomainWords(
                phrases("concept explanation | Explain {topic} as you would to a first-year university student.",
                        "applied science | Why does {topic} matter for everyday technology?",
                        "comparison | Compare {topic} with a closely related concept."),
                phrases("experiment design | What simple experiment could demonstrate {topic}?",
                        "equations | Describe the key equations behind {topic}."),
                phrases("plant biology | photosynthesis in C4 plants",
                        "thermodynamics | the second law of thermodynamics",
                        "genetics | how CRISPR edits genes",
                        "physics | the Doppler effect",
                        "chemistry | chemical bonding in a water molecule",
                        "astronomy | black holes and their event horizons",
                        "energy storage | how lithium-ion batteries store energy",
                        "geology | plate tectonics and earthquakes",
                        "electronics | Ohm's law in a simple circuit",
                        "machine learning | gradient descent in neural networks")));
        w.put(Domain.HUMANITIES, new DomainWords(
                phrases("historical analysis | Discuss {topic} and its lasting influence.",
                        "essay writing | Write a short essay on {topic}.",
                        "critical thinking | What are the main arguments for and against common views of {topic}?",
                        "teaching | How would you explain {topic} to a high-school class?",
                        "comparison | Compare {topic} with a similar idea or event from another culture."),
                List.of(),
                phrases("history | the causes of the First World War",
                        "philosophy | Kant's categorical imperative",
                        "literature | the symbolism in The Great Gatsby",
                        "art history | the Renaissance in Florence",
                        "ancient history | the rise of the Roman Republic",
                        "ethics | utilitarianism versus virtue ethics",
                        "music | the influence of jazz on modern pop music",
                        "asian history | the Meiji Restoration in Japan",
                        "political philosophy | social contract theory",
                        "religion | the spread of Buddhism along the Silk Road")));
        w.put(Domain.COMMONSENSE, new DomainWords(
                phrases("advice | What's the best way to handle {topic}?",
                        "practical tips | Give me practical tips for {topic}.",
                        "helping others | My friend is struggling with {topic}. What should they do?",
                        "decision making | Should I just improvise when it comes to {topic}? Why or why not?",
                        "common mistakes | List the common mistakes people make with {topic}."),
                List.of(),
                phrases("gardening | keeping basil alive on a windowsill",
                        "travel planning | packing for a weekend camping trip",
                        "parenting | getting a toddler to sleep through the night",
                        "household | removing a red wine stain from a carpet",
                        "productivity | staying focused while working from home",
                        "cooking | cooking rice without a rice cooker",
                        "social skills | making new friends in a new city",
                        "budgeting | saving money on groceries",
                        "career advice | preparing for a job interview",
                        "pets | introducing a new cat to an older dog")));
        for (Map.Entry<Domain, DomainWords> e : w.entrySet()) {
            if (e.getValue().anyTopicTemplates().isEmpty()) {
                throw new IllegalStateException(e.getKey() + " has no template a mixed query could use");
            }
            for (Phrase template : e.getValue().allTemplates()) {
                if (!template.text().contains(TOPIC_SLOT)) {
                    throw new IllegalStateException(e.getKey() + " template without a topic slot: " + template);
                }
            }
        }
        return w;
    }

    /** Parses {@code "tag | text"} lines, which keep the tables above readable. */
    private static List<Phrase> phrases(String... lines) {
        List<Phrase> out = new ArrayList<>(lines.length);
        for (String line : lines) {
            int bar = line.indexOf('|');
            out.add(new Phrase(line.substring(0, bar).trim(), line.substring(bar + 1).trim()));
        }
        return List.copyOf(out);
    }
}
