export declare const APP_ID: string
export declare const PRODUCT_NAME: string
export declare const APP_FILES: readonly string[]
