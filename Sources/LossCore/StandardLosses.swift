/// The list of every loss in this package, in the order of LOSSES.md's catalog.
enum StandardLosses {
    static let all: [any Loss.Type] = regression + classification + segmentation

    static let regression: [any Loss.Type] = [
        MSELoss.self, L1Loss.self, SmoothL1Loss.self, HuberLoss.self, LogCoshLoss.self, CharbonnierLoss.self,
        QuantileLoss.self, PoissonNLLLoss.self, GaussianNLLLoss.self,
    ]

    static let classification: [any Loss.Type] = [
        BCELoss.self, BCEWithLogitsLoss.self, CrossEntropyLoss.self, NLLLoss.self, KLDivLoss.self,
        SoftMarginLoss.self, MultilabelSoftMarginLoss.self, HingeEmbeddingLoss.self, Poly1Loss.self,
    ]

    static let segmentation: [any Loss.Type] = [
        DiceLoss.self, DiceBCELoss.self, IoULoss.self, TverskyLoss.self, FocalTverskyLoss.self, FocalLoss.self,
        SoftmaxFocalLoss.self, LovaszHingeLoss.self, LovaszSoftmaxLoss.self, GeneralizedDiceLoss.self,
        ComboLoss.self, MCCLoss.self,
    ]
}
