/// The list of every loss in this package, in catalog order.
enum StandardLosses {
    static let all: [any Loss.Type] = [
        MSELoss.self,
        DiceLoss.self, IoULoss.self, DiceBCELoss.self, FocalLoss.self,
        TverskyLoss.self, FocalTverskyLoss.self, GeneralizedDiceLoss.self, ComboLoss.self, MCCLoss.self,
    ]
}
