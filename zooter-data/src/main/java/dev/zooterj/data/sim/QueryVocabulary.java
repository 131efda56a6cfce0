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
 * <p>Every phrase has two wordings: training queries are written with one, evaluation queries with the other
 * ({@link Phrasing}), so that no evaluation query occurs in training and few share even a 6-word run with it,
 * while the tags, and so what the models are good at, stay the same.
 *
 * <p>Topics are noun phrases, so that another domain's topic fits the templates that take any topic: a mixed
 * query such as "Write a short poem about a race condition between two threads" is a writing request on a
 * coding topic.
 * Several templates (explain, compare, list tips) recur in similar wording across domains on purpose, so
 * that no single keyword gives the domain away.
 */
final class QueryVocabulary {
    static final String TOPIC_SLOT = "{topic}";

    /**
     * A piece of query text in two wordings that share no 6-word run, and the tag it contributes.
     *
     * @param tag        the InsTag-style tag, the same in both wordings (tags drive answer quality)
     * @param text       the wording training queries use
     * @param heldOutText the wording evaluation queries use: a paraphrase, so an evaluation query never repeats
     *                   a training query and a router has to generalise from meaning, not recall wording
     */
    record Phrase(String tag, String text, String heldOutText) {
        String text(Phrasing phrasing) {
            return phrasing == Phrasing.TRAINING ? text : heldOutText;
        }
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
            "step-by-step explanation | Please explain step by step. | Walk me through each stage of your reasoning.",
            "conciseness | Keep the answer under 100 words. | Be brief, a short paragraph at most.",
            "beginner friendly | Assume I am a complete beginner. | I have no background in this at all.",
            "examples | Include a concrete example. | Show me one real case to illustrate.",
            "friendly tone | Answer in a warm and friendly tone. | Be kind and encouraging in how you reply.");

    // Untagged greetings put in front of some queries: surface variety only, a separate list per phrasing.
    private static final Map<Phrasing, List<String>> OPENERS = new EnumMap<>(Map.of(
            Phrasing.TRAINING, List.of("Quick question.", "Hi there.", "I need some help.", "Hello!",
                    "Can you help me?"),
            Phrasing.HELD_OUT, List.of("Hey!", "Good morning.", "Here is my request.", "Greetings.",
                    "One thing I wonder about:")));

    private QueryVocabulary() {
    }

    static List<String> openers(Phrasing phrasing) {
        return OPENERS.get(phrasing);
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
                phrases("scripting | Write a small Python script that quizzes me on {topic}. | Build me a little command-line flashcard program to practise {topic}."),
                phrases("code generation | Write code that demonstrates {topic} and comment the tricky parts. | Implement {topic} in a few lines, annotating each subtle step.",
                        "debugging | My program misbehaves when dealing with {topic}. What is likely wrong and how do I fix it? | I hit a bug involving {topic}; help me find the cause and patch it.",
                        "code review | Review my approach to {topic} and suggest improvements to speed and readability. | Critique how I implemented {topic}; point out inefficient or messy code.",
                        "complexity analysis | What is the time complexity of {topic}, and can it be done faster? | Give the big-O cost of {topic} and say whether a quicker algorithm exists.",
                        "code explanation | Explain {topic} to a junior developer with a short snippet. | Teach an intern programmer about {topic}, including a brief code sample."),
                phrases("algorithms | binary search over a sorted array | locating a value in an ordered list by repeatedly halving it",
                        "sql | SQL joins across an orders table and a customers table | combining purchase records with client records in a relational database",
                        "java | a memory leak in a long-running Java service | heap usage that keeps growing in a JVM backend server",
                        "python | parsing nested JSON files in Python | reading deeply structured JSON documents with Python's standard library",
                        "javascript | state updates in a React component | re-rendering after a useState hook changes in React",
                        "concurrency | a race condition between two threads | two threads writing one shared counter without a lock",
                        "regex | regular expressions that validate email addresses | a regex pattern that checks whether an e-mail address is well formed",
                        "devops | shrinking a Docker image for a web app | making a container image smaller with multi-stage builds",
                        "recursion | recursion and the call stack | functions that call themselves and how the stack frames pile up",
                        "unit testing | unit tests for a date parser | automated test cases for code that reads calendar dates",
                        "data analysis | pandas dataframes with missing values | NaN entries in a pandas table of sales data")));
        w.put(Domain.MATH, new DomainWords(
                phrases("tutoring | A student is stuck on {topic}. Give a clear worked answer. | Tutor a confused pupil through {topic}, showing every calculation.",
                        "problem creation | Make up a short word problem about {topic} and solve it. | Invent an exercise based on {topic}, then give its full solution."),
                phrases("problem solving | Solve this carefully: {topic}. | Find the answer to this maths exercise: {topic}.",
                        "calculation | Compute {topic} and show your work. | Work out {topic}, writing down each intermediate result.",
                        "proof | Explain why the standard result about {topic} holds, with a short proof. | Prove rigorously the well-known fact concerning {topic}.",
                        "error checking | I got 42 for {topic}. Is that right? Point out any mistake. | My homework answer for {topic} was 17; check it and correct me if needed."),
                phrases("arithmetic | the sum of the first 100 odd numbers | adding up every odd integer from 1 to 199",
                        "algebra | solving 3x + 7 = 22 for x | finding y when 5y minus 4 equals 31",
                        "probability | the chance of rolling two sixes with two dice | the probability that a pair of dice both land on six",
                        "calculus | the derivative of x^3 times sin x | differentiating the product of x squared and cos x",
                        "geometry | the area of a triangle with sides 5, 12 and 13 | how much surface a right triangle with legs 6 and 8 covers",
                        "word problem | a train that travels 180 km in 2.5 hours | a cyclist covering 45 kilometres in three hours",
                        "number theory | the prime factors of 360 | factorising 1,001 into primes",
                        "financial math | compound interest on 2,000 dollars at 5 percent for 3 years | a savings deposit of 500 euros growing at 4 percent yearly",
                        "linear algebra | the eigenvalues of a 2 by 2 matrix | the characteristic polynomial of a small square matrix",
                        "statistics | the mean and median of 4, 8, 15, 16, 23 and 42 | the average and middle value of a list of exam marks")));
        w.put(Domain.WRITING, new DomainWords(
                phrases("poem | Write a short poem about {topic}. | Compose a few rhyming verses inspired by {topic}.",
                        "email writing | Draft a polite professional email about {topic}. | Write a courteous message to a colleague regarding {topic}.",
                        "story writing | Write a 150-word story that begins with {topic}. | Tell a brief tale whose opening scene is {topic}.",
                        "copywriting | Come up with a catchy slogan and tagline for {topic}. | Invent a memorable advertising line to promote {topic}.",
                        "editing | Rewrite my paragraph about {topic} so it sounds more formal and clear. | Polish my draft on {topic}, making the wording crisper and more professional.",
                        "blog writing | Write an engaging blog post introduction on {topic}. | Draft the opening lines of an online article covering {topic}."),
                List.of(),
                phrases("descriptive writing | a rainy afternoon in Lisbon | a stormy evening on the streets of Prague",
                        "personal narrative | the first day at a new job | starting work at an unfamiliar office on Monday",
                        "marketing | the launch of a solar-powered backpack | a new eco-friendly water bottle hitting the shelves",
                        "fiction | a friendship that ended without an explanation | two old friends who silently drifted apart",
                        "nature writing | autumn leaves falling in a quiet park | snow settling over a forest at dawn",
                        "gratitude | thanking a mentor who changed my career | expressing appreciation to a teacher who inspired me",
                        "apology | a delayed delivery to an important client | a shipment that reached a key customer two weeks late",
                        "event announcement | a neighbourhood book swap next Saturday | a community garden open day this weekend",
                        "humor | a cat that refuses to get off the keyboard | a dog that steals socks from the laundry basket",
                        "travel writing | a night train across the Alps | a ferry ride between Greek islands")));
        w.put(Domain.KNOWLEDGE, new DomainWords(
                phrases("factual qa | What do you know about {topic}? | Tell me everything you can about {topic}.",
                        "fact listing | Give me three key facts about {topic}. | List a handful of important points concerning {topic}.",
                        "summarization | Summarise what experts generally agree on regarding {topic}. | Describe the scholarly consensus about {topic}.",
                        "multiple choice | Which statement best describes {topic}? Give options A to D and pick one. | Write a four-option test question on {topic} and mark the correct choice.",
                        "quiz preparation | I have a quiz tomorrow. Tell me about {topic} in a few sentences. | Help me revise for an exam: brief notes covering {topic}."),
                List.of(),
                phrases("geography | the capital of Australia and why it was chosen | why Canberra became the seat of the Australian government",
                        "health | how vaccines train the immune system | the way immunisation teaches the body to fight infections",
                        "nutrition | the symptoms of vitamin D deficiency | signs that someone lacks enough vitamin D",
                        "sports | the basic rules of cricket | how a game of cricket is played and scored",
                        "biology | the difference between a virus and a bacterium | how viruses differ from bacteria",
                        "personal finance | how credit scores are calculated | what determines a person's credit rating",
                        "economics | how inflation affects savings | why rising prices erode the value of money in the bank",
                        "inventions | who invented the telephone | the history of Alexander Graham Bell's telephone",
                        "law | how a bill becomes a law in the United States | the legislative process in the American Congress",
                        "pop culture | the origins of the Eurovision Song Contest | how the European song competition Eurovision began")));
        w.put(Domain.ROLEPLAY, new DomainWords(
                phrases("persona | Act as a tour guide who is obsessed with {topic} and welcome me aboard. | Be a museum docent fascinated by {topic} and greet my group."),
                phrases("character roleplay | Pretend you are {topic} and introduce yourself to me. | Take on the role of {topic} and say hello.",
                        "in-character dialogue | Stay in character as {topic} and tell me about your day. | Speaking as {topic}, describe what happened to you this morning.",
                        "scenario simulation | Role-play a conversation where you are {topic} and I am a newcomer. | Let us act out a scene: you play {topic}, I play a stranger in town.",
                        "emotional roleplay | Imagine you are {topic}. How would you react to some bad news? | As {topic}, respond to hearing that your plans were cancelled.",
                        "interactive fiction | Let's play a game: you are {topic} and I have just walked in. | Improvise with me as {topic}; I am knocking at your door."),
                phrases("medieval setting | a grumpy medieval blacksmith | a cranky village smith from the Middle Ages",
                        "pirates | a pirate captain negotiating a truce | a buccaneer commander bargaining for peace",
                        "customer service | a customer support agent for a bank | a helpdesk representative at a mobile phone company",
                        "detective | a detective in 1920s Chicago | a private investigator in Prohibition-era New York",
                        "famous character | Sherlock Holmes on a quiet evening | Hercule Poirot relaxing after solving a case",
                        "science fiction | a friendly alien visiting Earth for the first time | a curious robot exploring a human city",
                        "interview simulation | a tough job interviewer at a startup | a demanding hiring manager at a tech company",
                        "wellness | a calm yoga instructor | a soothing meditation teacher",
                        "tabletop games | a game master running a fantasy campaign | a dungeon master guiding players through an adventure",
                        "space exploration | a nervous first-time astronaut | an anxious rookie cosmonaut before launch")));
        w.put(Domain.REASONING, new DomainWords(
                phrases("argument analysis | Find the flaw, if any, in this argument about {topic}. | Check whether the reasoning concerning {topic} is valid or fallacious.",
                        "counterfactual | What would change if we altered one assumption in {topic}? | Suppose a premise of {topic} were different; how would the outcome shift?"),
                phrases("logic puzzle | Think carefully and solve the puzzle about {topic}. | Work out the brain teaser on {topic}.",
                        "riddle | Here is a riddle involving {topic}. What is the answer and why? | Crack this conundrum concerning {topic} and justify the answer.",
                        "deduction | Walk through the logic of {topic} one step at a time. | Reason methodically about {topic}, justifying each inference."),
                phrases("mislabeled items | three boxes that are all labelled incorrectly | jars of apples and oranges whose labels are all wrong",
                        "knights and knaves | a knight and a knave guarding two doors | two guards, one who always lies and one who never does",
                        "ordering | the order in which five runners finished a race | ranking four swimmers from clues about who beat whom",
                        "calendar | a calendar question about leap years and weekdays | which weekday 1 March falls on after a leap year",
                        "syllogism | whether all roses fade if some flowers fade | whether every cat is a mammal given that some pets are mammals",
                        "planning | a river crossing with a wolf, a goat and a cabbage | ferrying a fox, a chicken and grain over a stream",
                        "combinatorics | how many handshakes happen among ten people | counting the games in a round-robin tournament of eight teams",
                        "pattern recognition | the sequence 2, 6, 12, 20 and what comes next | the next term of 1, 4, 9, 16, 25",
                        "scheduling | a conflict among four meetings in one afternoon | fitting five appointments into a single morning without overlaps",
                        "causal reasoning | why the grass is wet if it did not rain | why the pavement is damp although no storm passed")));
        w.put(Domain.EXTRACTION, new DomainWords(
                phrases("bullet summary | Summarise {topic} in three bullet points. | Condense {topic} into a short list of key points."),
                phrases("information extraction | Extract all names, dates and amounts from {topic} and return them as JSON. | Pull out every person, date and figure in {topic} as structured data.",
                        "sentiment classification | Classify the sentiment of {topic} as positive, neutral or negative. | Decide whether {topic} sounds happy, unhappy or indifferent.",
                        "table formatting | Turn {topic} into a table with one row per item. | Reformat {topic} as rows and columns.",
                        "action items | List the key action items found in {topic}. | What tasks and follow-ups does {topic} assign?"),
                phrases("reviews | a restaurant review that mentions prices and dishes | a diner's online rating of a pizza place with menu costs",
                        "job posting | a job posting for a data engineer | a vacancy announcement for a backend developer",
                        "news | a news article about a company merger | a press report on two banks combining",
                        "medical records | a hospital discharge note | a patient's clinic summary after surgery",
                        "invoices | an invoice from an office supplier | a bill for printer paper and toner cartridges",
                        "meeting notes | the transcript of a weekly team meeting | minutes from a monthly project review",
                        "product description | a product page for wireless headphones | an online shop listing for a smartwatch",
                        "scientific text | the abstract of a paper on sleep and memory | a research summary about exercise and mood",
                        "travel booking | a flight confirmation email | a hotel booking receipt",
                        "customer feedback | a list of customer complaints from last month | support tickets submitted by unhappy buyers")));
        w.put(Domain.STEM, new DomainWords(
                phrases("concept explanation | Explain {topic} as you would to a first-year university student. | Give an undergraduate lecture-style account of {topic}.",
                        "applied science | Why does {topic} matter for everyday technology? | How do modern devices rely on {topic}?",
                        "comparison | Compare {topic} with a closely related concept. | Contrast {topic} with something similar it is often confused with."),
                phrases("experiment design | What simple experiment could demonstrate {topic}? | Design a classroom demonstration showing {topic}.",
                        "equations | Describe the key equations behind {topic}. | Write down the main formulas governing {topic} and what each term means."),
                phrases("plant biology | photosynthesis in C4 plants | how maize turns sunlight into sugar",
                        "thermodynamics | the second law of thermodynamics | why entropy always increases in an isolated system",
                        "genetics | how CRISPR edits genes | gene editing with the Cas9 enzyme",
                        "physics | the Doppler effect | the pitch shift of a passing ambulance siren",
                        "chemistry | chemical bonding in a water molecule | covalent bonds between hydrogen and oxygen atoms",
                        "astronomy | black holes and their event horizons | collapsed stars whose gravity traps light",
                        "energy storage | how lithium-ion batteries store energy | charging and discharging a rechargeable phone battery",
                        "geology | plate tectonics and earthquakes | moving continental plates and seismic activity",
                        "electronics | Ohm's law in a simple circuit | voltage, current and resistance in a basic electrical loop",
                        "machine learning | gradient descent in neural networks | backpropagation and weight updates in deep learning")));
        w.put(Domain.HUMANITIES, new DomainWords(
                phrases("historical analysis | Discuss {topic} and its lasting influence. | Analyse {topic} and how it shaped later centuries.",
                        "essay writing | Write a short essay on {topic}. | Compose a brief argumentative piece about {topic}.",
                        "critical thinking | What are the main arguments for and against common views of {topic}? | Lay out the strongest criticisms and defences of {topic}.",
                        "teaching | How would you explain {topic} to a high-school class? | Plan a lesson introducing teenagers to {topic}.",
                        "comparison | Compare {topic} with a similar idea or event from another culture. | Set {topic} beside a parallel from a different civilisation."),
                List.of(),
                phrases("history | the causes of the First World War | why fighting broke out across Europe in 1914",
                        "philosophy | Kant's categorical imperative | the moral duty theory of Immanuel Kant",
                        "literature | the symbolism in The Great Gatsby | recurring images in Fitzgerald's novel about Jay Gatsby",
                        "art history | the Renaissance in Florence | Italian painting under the Medici family",
                        "ancient history | the rise of the Roman Republic | how early Rome replaced its kings with consuls",
                        "ethics | utilitarianism versus virtue ethics | consequentialist morality contrasted with Aristotle's character ethics",
                        "music | the influence of jazz on modern pop music | how blues rhythms shaped today's chart hits",
                        "asian history | the Meiji Restoration in Japan | the modernisation of nineteenth-century Japan under the emperor",
                        "political philosophy | social contract theory | the ideas of Hobbes, Locke and Rousseau about government by consent",
                        "religion | the spread of Buddhism along the Silk Road | how Buddhist monks carried their faith across Central Asia")));
        w.put(Domain.COMMONSENSE, new DomainWords(
                phrases("advice | What's the best way to handle {topic}? | How should I deal with {topic}?",
                        "practical tips | Give me practical tips for {topic}. | Share some useful advice on {topic}.",
                        "helping others | My friend is struggling with {topic}. What should they do? | My sister finds {topic} hard; how can she manage it?",
                        "decision making | Should I just improvise when it comes to {topic}? Why or why not? | Is planning ahead worth it for {topic}, or can I wing it?",
                        "common mistakes | List the common mistakes people make with {topic}. | Which errors do most people commit when it comes to {topic}?"),
                List.of(),
                phrases("gardening | keeping basil alive on a windowsill | growing tomatoes on a small balcony",
                        "travel planning | packing for a weekend camping trip | preparing a suitcase for a two-week holiday abroad",
                        "parenting | getting a toddler to sleep through the night | bedtime routines for a restless five-year-old",
                        "household | removing a red wine stain from a carpet | getting coffee marks off a white shirt",
                        "productivity | staying focused while working from home | avoiding distractions in an open-plan office",
                        "cooking | cooking rice without a rice cooker | boiling pasta so it does not go soggy",
                        "social skills | making new friends in a new city | meeting people after moving abroad",
                        "budgeting | saving money on groceries | cutting down the monthly electricity bill",
                        "career advice | preparing for a job interview | negotiating a pay rise with a manager",
                        "pets | introducing a new cat to an older dog | bringing home a puppy when you already have a rabbit")));
        for (Map.Entry<Domain, DomainWords> e : w.entrySet()) {
            if (e.getValue().anyTopicTemplates().isEmpty()) {
                throw new IllegalStateException(e.getKey() + " has no template a mixed query could use");
            }
            for (Phrase template : e.getValue().allTemplates()) {
                if (!template.text().contains(TOPIC_SLOT) || !template.heldOutText().contains(TOPIC_SLOT)) {
                    throw new IllegalStateException(e.getKey() + " template without a topic slot: " + template);
                }
            }
        }
        return w;
    }

    /** Parses {@code "tag | training text | held-out text"} lines, which keep the tables above readable. */
    private static List<Phrase> phrases(String... lines) {
        List<Phrase> out = new ArrayList<>(lines.length);
        for (String line : lines) {
            String[] parts = line.split("\\|", -1);
            if (parts.length != 3) {
                throw new IllegalStateException("expected 'tag | training text | held-out text', got: " + line);
            }
            out.add(new Phrase(parts[0].trim(), parts[1].trim(), parts[2].trim()));
        }
        return List.copyOf(out);
    }
}
