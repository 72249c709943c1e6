import PolicyWatch
import PolicyWatchTestSupport
import Testing

/// AI-training language, sentence by sentence: how policies say that the provider trains on users' data (and the many
/// ways they say it without the word "train"), deny it (at a distance, by default, without permission), ban *others*
/// from training on the site's content (scraping), or mention AI without any data use. The sentences are written for
/// these tests, one phrasing kind each.
@Suite struct AITrainingLanguageTests {
  let classifier = DataUseClassifier()

  @Test(
    "the provider using users' data to train, develop or improve models is AI_TRAINING",
    arguments: [
      "We may use your data to develop and train artificial intelligence models.",
      "We may use the messages you write to train our artificial intelligence models.",
      "Content you upload can be used to train and fine-tune our generative AI models.",
      "We use the prompts you submit to improve the large language models that power Scribe.",
      "Conversations selected for review by our trained reviewers may be used to improve Helix and other products.",
      "After human review, your chats may be used to improve Orbit.",
      "Human reviewers read, annotate and process a sample of conversations, and those conversations are used to improve Lumen.",
      "A subset of recordings is reviewed by people and used to make Aria better.",
      "We use information about how you interact with the service to develop and improve our machine learning models.",
      "Your activity helps us build and refine the algorithms that rank the posts in your feed.",
      "We analyse your usage to improve our algorithms.",
      "Data you provide may be used to develop new machine-learning models and improve existing ones.",
      "We use your voice recordings to improve our speech recognition models.",
      "Audio clips may be processed to improve the accuracy of our voice recognition technology.",
      "Your listening history is used to improve our recommendation models.",
      "We use viewing data to train the recommendation systems that suggest what to watch next.",
      "Your feedback helps make our models smarter.",
      "The questions you ask help our assistant get better over time.",
      "We let our AI learn from your conversations so it can give better answers.",
      "Your edits teach our writing assistant to make better suggestions.",
      "We process personal data to provide the service, to prevent fraud, for machine learning, and to comply with our legal obligations.",
      "Purposes of processing: customer support; analytics; AI model development; marketing.",
      "We may use de-identified data for research, product development and artificial intelligence training.",
      "You can object to the use of your personal data for the development of our AI models.",
      "If you opt in, we will use your recordings to improve our voice models.",
      "You may opt out of having your content used to train our models in your account settings.",
      "Unless you turn this setting off, your chats will be used to train our models.",
      "We and our affiliates may use your posts to train generative AI.",
      "We may share your data with partners who use it to train their artificial intelligence models.",
      "Your photos may be used to train our computer vision models.",
      "We use the content of your messages as training data for our language models.",
      "Information you share with the chatbot may be used to further develop our AI.",
      "We rely on legitimate interests to use public content to train AI at Nimbus.",
      "Interactions with our AI features may be used to improve those features and the models behind them.",
      "We may fine-tune models on the documents you upload.",
      "We improve our AI systems using the inputs and outputs of the service.",
      "Your data may be included in datasets we use to train machine learning models.",
      "Customer content may be used to improve the models that power our products, subject to your settings.",
      "We may use the images you share to help our models recognise objects more accurately.",
      "The information is used to teach our systems to detect spam, using machine learning.",
      "When you rate a response, the rating and the conversation are used to improve our models.",
      "Information collected through the app may be used by us and our service providers to train, test and improve machine learning models.",
      "We may use anonymized transcripts of your calls to improve our automatic speech recognition.",
      "Snippets of your voice commands may be reviewed by our team and used to improve Echoline.",
      "Your interactions with Pixie, including the prompts you write, may be used to make Pixie better.",
      "We may use the content you create to develop our generative features and the underlying models.",
      "Data about the songs you skip helps us tune our recommendation algorithms.",
      "We use your reading activity to personalise and train our content ranking models.",
      "Public profile information may be used to develop and improve AI technology at Fernway and its affiliates.",
      "Depending on your settings, the files you upload may be used to improve the AI that powers our search.",
      "We process your personal information for the following purposes: providing the service; security; developing artificial intelligence; legal compliance.",
      "Your feedback on generated answers is used to refine our language models.",
      "We may license de-identified user content to third parties to train their AI models.",
      "You can choose whether your chats are used to help improve our models.",
      "If you do not object, we will use your public posts to train generative AI models.",
      "Images you upload may be used as training data for our image generation models.",
      "Usage data is fed into our machine learning pipeline to improve fraud detection models.",
      "We teach our AI using examples drawn from the questions our users ask.",
      "Samples of handwriting you submit help our recognition models get more accurate.",
      "We use customer support chats to build better chatbots.",
      "Recordings may be labelled by human annotators to improve our transcription models.",
    ])
  func affirmative(text: String) {
    let labels = classifier.labels(text)
    #expect(labels.contains("AI_TRAINING") && !labels.contains("NOT_AI_TRAINING"), "\(text) → \(labels)")
  }

  @Test(
    "a denial, also at a distance from its verb, by default or without permission, is NOT_AI_TRAINING",
    arguments: [
      "We do not use your content to train our AI models.",
      "We will never use your private messages to train artificial intelligence.",
      "Acme does not use any of your messages, files, photos, contacts or location data to train its generative AI models.",
      "We do not use the audio, video, chat, screen sharing, attachments or other communications-like content of customers to train our or third-party artificial intelligence models.",
      "Your business data is not used to train our models by default.",
      "By default, we do not use your conversations to improve our models.",
      "Temporary chats will not be used to improve models.",
      "We will not use your content to train our models without your permission.",
      "None of the data you submit through the API is used for model training.",
      "Prompts and completions are not used to train, retrain or improve our foundation models.",
      "We never sell your data or use it to train AI.",
      "Enterprise data is excluded from model training.",
      "We don't train on your data.",
      "No customer data is used to develop our machine learning models.",
      "We do not train our models on your private data.",
      "Your workspace content is never used to train any AI model, ours or anyone else's.",
      "Files stored in your drive are not used for AI training.",
      "We will not use your photos, videos, voice recordings or any other personal content you store with us to develop or improve our artificial intelligence.",
      "Inputs sent through our business tier are not used to improve our models unless you explicitly opt in.",
      "None of your emails are used to train Mailwise's language models.",
      "Neither we nor our partners use your chats to train artificial intelligence.",
      "We do not use data from your account, including messages, attachments, calendar entries and contacts, for the training of machine learning models.",
      "Your data will never be used to build or improve our AI systems without your consent.",
      "Student data is not used to train generative AI.",
    ])
  func denied(text: String) {
    let labels = classifier.labels(text)
    #expect(labels.contains("NOT_AI_TRAINING") && !labels.contains("AI_TRAINING"), "\(text) → \(labels)")
  }

  @Test(
    "a ban on others using the site's content for AI or data mining is SCRAPING_CRAWLING, not AI_TRAINING",
    arguments: [
      "You may not use the content of the site to train machine learning or artificial intelligence models.",
      "Scraping the service to build datasets for AI training is prohibited.",
      "We reserve the right to opt out of text and data mining as permitted by Article 4 of the EU Copyright Directive.",
      "No part of this website may be used to train artificial intelligence systems without our written permission.",
      "You agree not to use any content from the platform to develop or improve any AI or machine learning system.",
      "The use of our articles for text and data mining, including for training AI, is expressly reserved.",
      "Users shall not collect data from the service by automated means for the purpose of training language models.",
      "It is forbidden to feed the materials on this site into generative AI tools.",
      "Visitors must not copy or scrape any material on this site for the purpose of developing artificial intelligence.",
      "Using the service's data to train a large language model is strictly forbidden.",
      "The publisher expressly reserves its rights to text and data mining.",
      "You are not permitted to use our recipes, images or text to train generative AI systems.",
      "Any use of the content on this site to train machine learning models requires our prior written consent.",
      "Crawlers may not harvest this website's content for AI training datasets.",
    ])
  func bannedForOthers(text: String) {
    let labels = classifier.labels(text)
    #expect(
      labels.contains("SCRAPING_CRAWLING") && !labels.contains("AI_TRAINING") && !labels.contains("NOT_AI_TRAINING"),
      "\(text) → \(labels)")
  }

  @Test(
    "customers' own models, bans on competing models, licences, features and warnings are no AI training",
    arguments: [
      "You may not use output from the services to develop models that compete with ours.",
      "Customers may fine-tune our models with their own data.",
      "You can fine-tune a base model on your own dataset through the API.",
      "The license granted to you excludes model training.",
      "You must not use the models to generate content that violates our usage policies.",
      "Our AI features may produce inaccurate output, so check important information.",
      "You own the output you create with our AI tools.",
      "We offer AI-powered search and writing features.",
      "Generative AI can make mistakes.",
      "We use machine translation to show posts in your language.",
      "Our support staff are trained to protect your privacy.",
      "You are responsible for the prompts you enter and for how you use the responses.",
      "Fine-tuned models you create are available only to your organisation.",
      "The artificial intelligence features are provided as is, without warranty.",
      "We train our employees on data protection every year.",
      "Developers may not use the API to train a model that replicates our services.",
      "You may not reverse engineer our models or extract their weights.",
      "Content generated by AI will be labelled as such.",
      "You may not use the output of the service to create a competing language model.",
      "Developers can train custom classifiers on their own data using our tools.",
      "Your subscription lets you fine-tune models for your company.",
      "AI-generated suggestions may be inaccurate or offensive.",
      "We use artificial intelligence to detect spam and abuse.",
      "Our AI assistant can summarise your documents for you.",
      "You retain ownership of any content generated by the AI features.",
      "The models are provided without any warranty of fitness for purpose.",
      "Our team is trained to handle your data responsibly.",
      "We use machine learning to recommend products you may like.",
      "You must not attempt to discover the training data or source code of our models.",
      "Customers are responsible for the data they use to fine-tune their own models.",
      "This policy explains how we use artificial intelligence in our products.",
      "Translations may be produced automatically by a machine learning system.",
    ])
  func noTraining(text: String) {
    let labels = classifier.labels(text)
    #expect(!labels.contains("AI_TRAINING") && !labels.contains("NOT_AI_TRAINING"), "\(text) → \(labels)")
  }

  @Test func optingInOrObjectingIsTrainingWithAChoice() {
    for text in [
      "You can object to the use of your personal data for the development of our AI models.",
      "You may opt out of having your content used to train our models in your account settings.",
    ] {
      let labels = classifier.labels(text)
      #expect(labels.contains("AI_TRAINING") && labels.contains("CHOICE_OPTOUT_CONSENT"), "\(text) → \(labels)")
    }
    // Without permission, the training is denied; the permission is the choice.
    let withoutPermission = classifier.labels(
      "We will not use your content to train our models without your permission.")
    #expect(withoutPermission.contains("NOT_AI_TRAINING") && withoutPermission.contains("CHOICE_OPTOUT_CONSENT"))
  }

  @Test func theExplanationSaysWhyADistantNegationCounts() {
    let text =
      "Acme does not use any of your messages, files, photos, contacts or location data to train its AI models."
    let explanation = classifier.explain(text)
    #expect(explanation.matches.map(\.label).contains("NOT_AI_TRAINING"))
    #expect(explanation.rendered.contains("negated at a distance: “not” governs “use”"), "\(explanation.rendered)")
  }

  @Test func aVetoIsExplained() {
    let explanation = classifier.explain("Customers may fine-tune our models with their own data.")
    #expect(explanation.matches.isEmpty)
    #expect(explanation.rendered.contains("vetoed by rule veto.customer-trains"), "\(explanation.rendered)")
  }
}
